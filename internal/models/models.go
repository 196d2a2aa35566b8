package models

import (
	"embed"
	"fmt"
	"sort"
	"strings"
)

//go:embed digits.net digits.safetensors
var files embed.FS

// Model is a bundled network with its weights and labels.
type Model struct {
	Name string
	// Net is the network file's text.
	Net string
	// Weights is the safetensors file's bytes.
	Weights []byte
	// Labels names the output classes, in order.
	Labels []string
	// Resize is the square size an image is resized to first (0: none).
	Resize int
	// About says what the model was trained on, for messages.
	About string
}

// catalogue describes each bundled model; its files are NAME.net and
// NAME.safetensors.
var catalogue = map[string]Model{
	"digits": {
		Labels: strings.Fields("0 1 2 3 4 5 6 7 8 9"),
		Resize: 8,
		About:  "8x8 grey digits, bright ink on black (scikit-learn's load_digits); 97.8% on 360 held-out digits",
	},
}

// Names lists the bundled models, sorted.
func Names() []string {
	var n []string
	for k := range catalogue {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// Get returns the bundled model called name, ok false if there is none.
func Get(name string) (*Model, bool) {
	m, ok := catalogue[name]
	if !ok {
		return nil, false
	}
	net, err := files.ReadFile(name + ".net")
	if err != nil {
		panic(fmt.Sprintf("models: %s.net is not embedded: %v", name, err))
	}
	w, err := files.ReadFile(name + ".safetensors")
	if err != nil {
		panic(fmt.Sprintf("models: %s.safetensors is not embedded: %v", name, err))
	}
	m.Name, m.Net, m.Weights = name, string(net), w
	return &m, true
}
