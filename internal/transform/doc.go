// Package transform prepares an image for a network as torchvision's
// transforms do: Resize (PIL's bilinear resampling with its antialiasing
// support, in PIL's fixed-point arithmetic for 8-bit images, so the pixels
// equal PIL's), CenterCrop (torchvision's rounding of the offsets),
// ToFloat (ToTensor's division by the sample range) and Normalize
// ((x − mean)/std a channel).
package transform
