package job

import (
	"fmt"
	"text/tabwriter"

	"github.com/convtool/convtool/internal/fft"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/kernelview"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// KernelList prints the built-in kernels: a table, or with env.JSON an
// array of {name, params, description}.
func KernelList(env *Env) error {
	bs := kernel.Builtins()
	if env.JSON {
		type entry struct {
			Name        string `json:"name"`
			Params      string `json:"params"`
			Description string `json:"description"`
		}
		out := make([]entry, len(bs))
		for i, b := range bs {
			out[i] = entry{b.Name, b.Params, b.Description}
		}
		return env.PrintJSON(out)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPARAMETERS\tDESCRIPTION")
	for _, b := range bs {
		p := b.Params
		if p == "" {
			p = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", b.Name, p, b.Description)
	}
	return tw.Flush()
}

// KernelShowRequest is what the user asked of `convtool kernel show`.
type KernelShowRequest struct {
	Spec string
	// PNG, if set, is where the kernel picture goes; Cell is the side of
	// one element's square in it, in pixels.
	PNG  string
	Cell int
	// Spectrum, if set, is where the frequency-response picture goes.
	Spectrum string
	// Dilation, if set ("D" or "DY,DX"), shows the kernel with D-1 zeros
	// between its taps, as a dilated convolution applies it.
	Dilation string
	// Save, if set, is where the kernel's values go as a matrix file
	// (.npy, .csv, .txt or .mat by extension), e.g. to hand it to vips.
	Save string
	// Plot, if set, is where the labelled figure goes: the kernel with a
	// colour bar beside its frequency response with axes, colour bar and
	// half-gain outline.
	Plot string
}

// Validate checks the flags that do not need the kernel: every output's
// format is settled before anything is written.
func (r *KernelShowRequest) Validate() error {
	if r.Cell < 1 || r.Cell > 1024 {
		return Usagef("--cell %d: want 1 to 1024 pixels", r.Cell)
	}
	if r.PNG == "-" || r.Spectrum == "-" || r.Save == "-" || r.Plot == "-" {
		return Usagef("kernel show writes its files to paths, not to stdout")
	}
	for _, f := range []struct {
		flag, path string
		image      bool
	}{{"png", r.PNG, true}, {"spectrum", r.Spectrum, true}, {"save", r.Save, false}, {"plot", r.Plot, true}} {
		if f.path == "" {
			continue
		}
		format, err := tensorio.FormatOf(f.path)
		if err != nil {
			return Usagef("--%s %s: %v", f.flag, f.path, err)
		}
		if isImage := tensorio.KindOf(format) == tensorio.KindImage; isImage != f.image {
			if f.image {
				return Usagef("--%s %s: want an image file (.png, …)", f.flag, f.path)
			}
			return Usagef("--%s %s: want a matrix file (.npy, .csv, .txt, .mat); --png draws the kernel", f.flag, f.path)
		}
	}
	return nil
}

// KernelShow prints a kernel (or a 4-D bank) and writes the pictures and
// files asked for. Pictures come first: if one cannot be written, nothing
// is printed but the error.
func KernelShow(r KernelShowRequest, env *Env) error {
	k, bank, err := kernel.Parse(r.Spec)
	if err != nil {
		return err
	}
	if r.Dilation != "" {
		dy, dx, err := pair("dilation", r.Dilation, 1)
		if err != nil {
			return err
		}
		if bank != nil {
			return Usagef("--dilation shows a 2-D kernel, %s is a %s bank", r.Spec, bank.Shape())
		}
		if int64(k.H-1)*int64(dy)+1 > kernel.MaxSize || int64(k.W-1)*int64(dx)+1 > kernel.MaxSize {
			return Usagef("--dilation %s: the dilated kernel would be larger than %dx%d", r.Dilation, kernel.MaxSize, kernel.MaxSize)
		}
		k = k.Dilated(dy, dx)
		k.Name = fmt.Sprintf("%s dilated %d,%d", k.Name, dy, dx)
	}
	if bank != nil {
		if r.Spectrum != "" || r.Save != "" {
			return Usagef("kernel %q: --spectrum and --save take a 2-D kernel, this is a %s bank", r.Spec, bank.Shape())
		}
		if r.PNG != "" {
			if err := writePicture(env, r.PNG, kernelview.BankPicture(bank, r.Cell), "png"); err != nil {
				return err
			}
		}
		if r.Plot != "" {
			if err := env.writeBankPlot(bank, r.Plot); err != nil {
				return err
			}
		}
		if env.JSON {
			return env.PrintJSON(kernelview.DescribeBank(bank))
		}
		_, err := fmt.Fprint(env.Stdout, kernelview.BankText(bank))
		return err
	}
	if r.PNG != "" {
		if err := writePicture(env, r.PNG, kernelview.Picture(k, r.Cell), "png"); err != nil {
			return err
		}
	}
	if r.Save != "" {
		if err := saveKernel(env, r.Save, k); err != nil {
			return err
		}
	}
	if r.Spectrum != "" {
		format, err := tensorio.FormatOf(r.Spectrum)
		if err != nil || tensorio.KindOf(format) != tensorio.KindImage {
			format = "png"
		}
		if err := writePicture(env, r.Spectrum, fft.ResponsePicture(k), format); err != nil {
			return err
		}
	}
	if r.Plot != "" {
		if err := env.writeKernelPlot(k, r.Plot); err != nil {
			return err
		}
	}
	info := kernelview.Describe(k)
	if env.JSON {
		return env.PrintJSON(info)
	}
	_, err = fmt.Fprint(env.Stdout, kernelview.Text(k, info))
	return err
}

// writePicture writes t (0..255 samples) as an 8-bit image in format,
// atomically (tensorio renames a finished temporary file into place).
func writePicture(env *Env, path string, t *tensor.Tensor, format string) error {
	return env.Write(path, &tensorio.Data{T: t, Format: format, Rank: 3, Depth: 8}, format)
}

// saveKernel writes k's values as a one-channel matrix file; a .mat keeps
// the kernel's scale and offset, if it had any.
func saveKernel(env *Env, path string, k *kernel.Kernel) error {
	format, err := tensorio.FormatOf(path)
	if err != nil {
		return err
	}
	if tensorio.KindOf(format) == tensorio.KindImage {
		return fmt.Errorf("--save %s: want a matrix file (.npy, .csv, .txt, .mat); --png draws the kernel", path)
	}
	d := &tensorio.Data{T: k.Tensor(), Format: format, Rank: 2, Scale: k.Scale, Offset: k.Offset, HasScale: k.HasScale}
	if format == "mat" && !k.HasScale {
		// vips 8.14 does not recognise a two-number header whose first
		// value is negative: always write "w h 1 0".
		d.Scale, d.Offset, d.HasScale = 1, 0, true
	}
	return env.Write(path, d, format)
}
