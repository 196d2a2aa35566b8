package shape

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Load returns the network src names: a preset, "-" for standard input,
// or a file. Files are read by extension, else by content: .onnx (ONNX,
// as torch.onnx.export writes it), .cfg (Darknet), .json (Keras
// model.to_json()), anything else the network file format. text is the
// network as a network file: a preset's or a .net file's own text, or an
// imported network printed by Format.
func Load(src string, stdin io.Reader) (n *Network, text string, err error) {
	var b []byte
	name := src
	switch {
	case src == "-":
		name = "stdin"
		if b, err = io.ReadAll(io.LimitReader(stdin, maxNetBytes+1)); err != nil {
			return nil, "", fmt.Errorf("stdin: %w", err)
		}
	default:
		if t, err := PresetText(src); err == nil {
			n, err := Preset(src)
			return n, t, err
		}
		f, err := os.Open(src)
		if err != nil {
			if os.IsNotExist(err) {
				return nil, "", fmt.Errorf("%s: neither a preset (%s) nor a file", src, strings.Join(Presets(), ", "))
			}
			return nil, "", err
		}
		defer f.Close()
		if b, err = io.ReadAll(io.LimitReader(f, maxNetBytes+1)); err != nil {
			return nil, "", fmt.Errorf("%s: %w", src, err)
		}
	}
	if len(b) > maxNetBytes {
		return nil, "", fmt.Errorf("%s: larger than %d MB: not a network this reads", name, maxNetBytes>>20)
	}
	format := Sniff(src, b)
	switch format {
	case "onnx":
		n, err = ReadONNX(b, name)
	case "darknet":
		n, err = ReadDarknet(b, name)
	case "keras":
		n, err = ReadKeras(b, name)
	default:
		n, err = ParseNet(bytes.NewReader(b), name)
		return n, string(b), err
	}
	if err != nil {
		return nil, "", err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "# converted from %s (%s) by convtool shape net --print\n", name, format)
	if err := Format(&sb, n); err != nil {
		return nil, "", err
	}
	// the printed file must read back as the same network
	if _, err := ParseNet(strings.NewReader(sb.String()), name); err != nil {
		return nil, "", fmt.Errorf("%s: converted network does not read back: %v", name, err)
	}
	return n, sb.String(), nil
}

// maxNetBytes bounds what Load reads: ONNX files carry their weights.
const maxNetBytes = 1 << 30

// Sniff names a network file's format from its extension, else its
// content: "onnx", "darknet", "keras" or "net".
func Sniff(path string, b []byte) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".onnx":
		return "onnx"
	case ".cfg":
		return "darknet"
	case ".json":
		return "keras"
	case ".net":
		return "net"
	}
	t := bytes.TrimSpace(b)
	switch {
	case bytes.HasPrefix(t, []byte("{")):
		return "keras"
	case bytes.HasPrefix(t, []byte("[net]")) || bytes.HasPrefix(t, []byte("[network]")):
		return "darknet"
	case len(b) > 0 && b[0] == 0x08 && !isText(b):
		return "onnx" // ModelProto.ir_version, field 1, varint
	}
	return "net"
}

func isText(b []byte) bool {
	for _, c := range b[:min(len(b), 512)] {
		if c < 9 || c > 13 && c < 32 {
			return false
		}
	}
	return true
}
