// Package stream filters an image or matrix row by row, from a row source
// to a row sink, in memory bounded by the width and the kernel's height,
// not by the height of the input.
//
// The design, for one 2-D kernel on every channel (conv.Filter's job):
//
//	source ──rows──▶ read ──batches──▶ filter ──bands──▶ write ──rows──▶ sink
//	(PNG inflate,    goroutine  (4,    goroutine  (3,    goroutine  (PNG filter
//	 .npy, …)        recycled)          + workers  recycled)          + parallel deflate)
//
// The filter keeps a ring of Window padded input rows — the kernel's span
// plus a band of rows — and, band by band, reads the rows the next band of
// output needs, pads them (and runs the separable method's horizontal
// pass) in parallel, then computes the band's rows in parallel and hands
// them on. Reading, filtering and writing overlap on all cores; every
// buffer is allocated once and recycled, so the heap does not grow with
// the height.
//
//	padded rows   ┌──────────── ring (Window = (Band-1)·stride + span) ─────┐
//	              │ row s lives in slot s mod Window until overwritten      │
//	              └──────────────────────────────────────────────────────────┘
//	top/bottom padding: the edge rule maps a padded row to an input row
//	(conv.RowFilter.SourceRow); reflect, symmetric and replicate read rows
//	still in the ring; circular at the bottom reads the first rows, which
//	are kept aside (Head). Circular at the top needs the last rows before the
//	first output row: that cannot stream, and NewPlan says so (ErrWhole).
//
// The arithmetic is conv's own (conv.RowFilter: the same taps in the same
// order through the same accumulate as conv.Filter's direct and separable
// methods; alpha and post-processing through internal/levels), so a
// streamed result is bit for bit the whole-image one. A filter Filter runs
// by FFT streams by overlap-save: the whole plane's fft.Correlator cuts it
// into tiles, a band is one row of tiles (Window = the tile's height) and
// fft.Correlator.CorrelateBand computes it exactly as Correlate would — on
// finite data only (Options.Finite: Filter gives NaN and Inf to direct).
// gemm, transposed convolution, and anything else the plan cannot bound
// return ErrWhole: the caller takes the whole-image path.
package stream
