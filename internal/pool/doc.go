// Package pool reduces sliding windows of a (C, H, W) tensor, channel by
// channel, with PyTorch's semantics: max (max_pool2d, with dilation and
// ceil_mode), avg (avg_pool2d, count_include_pad either way), min
// (−max_pool2d(−x)), l2 (sqrt of the sum of squares over the window — unlike
// torch's lp_pool2d it accepts padding, which adds nothing, and in ceil mode
// sums the partial window rather than rescaling it), adaptive pooling with
// PyTorch's bins, and global pooling. Output sizes come from package shape,
// so `pool` and `shape pool` agree by construction.
package pool
