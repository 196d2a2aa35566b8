package shape

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// presetFS holds the built-in networks, written in the same format a user
// writes, so `shape net NAME --print` shows a starting point to edit.
//
//go:embed presets/*.net
var presetFS embed.FS

// Presets returns the names of the built-in networks, sorted.
func Presets() []string {
	entries, _ := fs.ReadDir(presetFS, "presets")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".net"))
	}
	sort.Strings(names)
	return names
}

// PresetText returns a built-in network's file text.
func PresetText(name string) (string, error) {
	b, err := presetFS.ReadFile("presets/" + name + ".net")
	if err != nil {
		return "", fmt.Errorf("no preset %q (presets: %s)", name, strings.Join(Presets(), ", "))
	}
	return string(b), nil
}

// Preset parses a built-in network.
func Preset(name string) (*Network, error) {
	text, err := PresetText(name)
	if err != nil {
		return nil, err
	}
	return ParseNet(strings.NewReader(text), name)
}
