package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyFile copies a repository file into dir under name.
func copyFile(t *testing.T, src, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConvBatch(t *testing.T) {
	grey := filepath.Join(repoTestdata, "cli", "grey.png")
	rgb := filepath.Join(repoTestdata, "cli", "rgb.png")
	trunc := filepath.Join(repoTestdata, "hostile", "truncated.png")
	for _, tc := range []struct {
		name    string
		files   map[string]string // name in in/ → repository file
		args    []string          // after "conv"; IN is the input dir, OUT the output dir
		code    int
		written []string // files expected in OUT afterwards
		stderr  []string // lines (substrings) expected on stderr
	}{
		{
			name:    "quoted glob, all good",
			files:   map[string]string{"a.png": grey, "b.png": rgb},
			args:    []string{"IN/*.png", "--out-dir", "OUT", "-k", "box:3"},
			written: []string{"a.png", "b.png"},
			stderr:  []string{"conv: 2 files, 2 written to OUT, 0 failed"},
		},
		{
			name:    "a bad file is reported at the end, the others written",
			files:   map[string]string{"a.png": grey, "b.png": trunc, "c.png": rgb},
			args:    []string{"IN/a.png", "IN/b.png", "IN/c.png", "--out-dir", "OUT", "-k", "box:3"},
			code:    1,
			written: []string{"a.png", "c.png"},
			stderr:  []string{"convtool: IN/b.png: ", "conv: 3 files, 2 written to OUT, 1 failed", "convtool: 1 of 3 files failed"},
		},
		{
			name:    "--format sets the extension",
			files:   map[string]string{"a.png": grey},
			args:    []string{"IN/*", "--out-dir", "OUT", "-k", "identity", "--format", "npy"},
			written: []string{"a.npy"},
		},
		{
			name:   "a pattern matching nothing",
			args:   []string{"IN/*.png", "--out-dir", "OUT", "-k", "box:3"},
			code:   1,
			stderr: []string{"convtool: IN/*.png: no file matches"},
		},
		{
			name:   "a usage error is reported once, status 2",
			files:  map[string]string{"a.png": grey, "b.png": rgb},
			args:   []string{"IN/*.png", "--out-dir", "OUT", "-k", "box:3", "--stride", "0"},
			code:   2,
			stderr: []string{"convtool: --stride \"0\": want whole numbers ≥ 1"},
		},
		{
			name:   "two inputs with the same name",
			files:  map[string]string{"a.png": grey},
			args:   []string{"IN/a.png", "IN/../IN/a.png", "--out-dir", "OUT", "-k", "box:3"},
			code:   2,
			stderr: []string{"would both be written to"},
		},
		{
			name:   "stdin is not a batch input",
			args:   []string{"-", "--out-dir", "OUT", "-k", "box:3"},
			code:   2,
			stderr: []string{"--out-dir reads files, not stdin"},
		},
		{
			name:   "no input",
			args:   []string{"--out-dir", "OUT", "-k", "box:3"},
			code:   2,
			stderr: []string{"needs at least one INPUT"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			in, out := filepath.Join(root, "in"), filepath.Join(root, "out")
			if err := os.Mkdir(in, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, src := range tc.files {
				copyFile(t, src, in, name)
			}
			args := []string{"conv"}
			for _, a := range tc.args {
				args = append(args, strings.NewReplacer("IN", in, "OUT", out).Replace(a))
			}
			r := runCLI(t, nil, args...)
			stderr := strings.ReplaceAll(strings.ReplaceAll(r.stderr, in, "IN"), out, "OUT")
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, tc.code, stderr)
			}
			for _, want := range tc.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "\r") {
				t.Errorf("stderr has a stack trace or a progress bar:\n%s", stderr)
			}
			var got []string
			entries, _ := os.ReadDir(out)
			for _, e := range entries {
				got = append(got, e.Name())
			}
			if strings.Join(got, " ") != strings.Join(tc.written, " ") {
				t.Errorf("OUT holds %v, want %v", got, tc.written)
			}
		})
	}
}

// A batch's outputs are the same files a single run writes.
func TestConvBatchMatchesSingleRuns(t *testing.T) {
	dir := t.TempDir()
	a := copyFile(t, filepath.Join(repoTestdata, "cli", "rgb.png"), dir, "a.png")
	single := filepath.Join(dir, "single.npy")
	if r := runCLI(t, nil, "conv", a, single, "-k", "gaussian:1", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	out := filepath.Join(dir, "out")
	if r := runCLI(t, nil, "conv", a, "--out-dir", out, "-k", "gaussian:1", "--format", "npy", "-q"); r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q with -q", r.code, r.stderr)
	}
	want, _ := os.ReadFile(single)
	got, err := os.ReadFile(filepath.Join(out, "a.npy"))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("batch output differs from a single run (%v)", err)
	}
}

// --json: one stable document for the whole batch, failures included.
func TestConvBatchJSON(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join(repoTestdata, "cli", "grey.png"), dir, "a.png")
	copyFile(t, filepath.Join(repoTestdata, "hostile", "empty.png"), dir, "b.png")
	out := filepath.Join(dir, "out")
	r := runCLI(t, nil, "conv", filepath.Join(dir, "*.png"), "--out-dir", out, "-k", "box:3", "--json")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, r.stdout)
	}
	var keys []string
	for _, k := range []string{"command", "out_dir", "files", "written", "failed", "time_ms"} {
		if _, ok := doc[k]; !ok {
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 || len(doc) != 6 {
		t.Fatalf("document %s: missing %v", r.stdout, keys)
	}
	failed := doc["failed"].([]any)
	if doc["files"] != 2.0 || doc["written"] != 1.0 || len(failed) != 1 {
		t.Fatalf("document %s", r.stdout)
	}
	f := failed[0].(map[string]any)
	if f["input"] != filepath.Join(dir, "b.png") || !strings.Contains(f["error"].(string), "empty file") {
		t.Fatalf("failure entry %v", f)
	}
}

// The progress bar is drawn only when stderr is a terminal, and -q
// silences it too.
func TestConvBatchProgressOnlyOnTerminal(t *testing.T) {
	for _, tc := range []struct {
		terminal, quiet, bar bool
	}{{false, false, false}, {true, false, true}, {true, true, false}} {
		dir := t.TempDir()
		copyFile(t, filepath.Join(repoTestdata, "cli", "grey.png"), dir, "a.png")
		args := []string{"conv", filepath.Join(dir, "a.png"), "--out-dir", filepath.Join(dir, "out"), "-k", "box:3"}
		if tc.quiet {
			args = append(args, "-q")
		}
		var out, errOut bytes.Buffer
		code := run(args, &streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, ErrIsTerminal: tc.terminal})
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		if got := strings.Contains(errOut.String(), "1/1 files"); got != tc.bar {
			t.Errorf("terminal %v quiet %v: bar drawn %v, want %v: %q", tc.terminal, tc.quiet, got, tc.bar, errOut.String())
		}
	}
}
