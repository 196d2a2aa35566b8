// Package job runs what a command asks for, from options to result,
// knowing nothing of flags: cmd/convtool turns its flags into a request
// (plain values such as ConvRequest) and calls one function here.
//
// A convolution flows
//
//	request ──PlanConv──▶ plan: pairs parsed, kernel prepared (normalise,
//	   │                  scale/offset, flip), padding word, bias; no pixels
//	   ▼
//	 read ──▶ Header (size, kind) ──Resolve──▶ edge, padding, path, limits
//	   │
//	   ▼
//	compute (conv, imgconv; a progress bar on a terminal)
//	   │
//	   ▼
//	 post (scale and offset, --abs, --rescale: levels.Post)
//	   │
//	   ▼
//	 write (atomically, tensorio) ──▶ Result: summary, read/compute/write times
//
// read → plan → compute → post → write: every decision that does not need
// the pixels is made before they are read, and everything the header tells
// (size, kind) is decided before any arithmetic, so a bad request fails
// without consuming a piped stdin or allocating.
//
// ConvPlan.Path is where a plan says how the pixels flow: Stream (a band
// of rows at a time, internal/stream) when the input (a non-interlaced PNG,
// a C-order .npy, a one-channel text file), the filter (one 2-D kernel:
// direct, separable, or on images FFT; no --rescale, --explain,
// --transpose) and the output (PNG, .npy, one-channel text) allow it,
// chosen by runConvStream from the input's header before a pixel is read;
// WholeImage otherwise. Both give the same bytes, and the same summary
// ("read", "metadata": a PNG's metadata and tRNS key are carried by the
// row reader and writer); ConvPlan.PathWhy says why an input that could
// stream did not (--autorotate). A batch (ConvBatch)
// runs the same job per file; pool, fft, signal, kernel show and shape are
// jobs of the same form (a request, a plan where there are flags to check,
// a run that prints through package summary).
//
// Errors name the file they concern; a UsageError is a request that cannot
// work as asked (the command line exits 2 for it).
package job
