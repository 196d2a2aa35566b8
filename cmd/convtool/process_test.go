//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

// convtoolBinary builds convtool once for the tests that need a real
// process (signals, closed descriptors).
func convtoolBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "convtool-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "convtool")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = err
			binPath = string(out)
		}
	})
	if binErr != nil {
		t.Fatalf("go build: %v\n%s", binErr, binPath)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// TestSignalRemovesTemporary (issue 11, failure 5): a real convtool is
// signalled while it writes its output, for each signal that ends it. No
// temporary file may remain, the previous output must be intact, and the
// process must end as the signal demands. No timing: the test waits for
// the temporary file to appear, then signals.
func TestSignalRemovesTemporary(t *testing.T) {
	bin := convtoolBinary(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.npy")
	writeRandomNPY(t, in, 3, 1000, 1000) // 3 M values: seconds of text
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			out := filepath.Join(dir, "out.txt")
			if err := os.WriteFile(out, []byte(sentinel), 0o640); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "conv", in, out, "-k", "1", "-q")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			// Poll for the temporary output; signal once it is there.
			var exited bool
			for !exited && len(temporaries(t, dir)) == 0 {
				select {
				case <-done:
					exited = true
				default:
					time.Sleep(time.Millisecond) // a poll interval, not a timing assertion
				}
			}
			if exited {
				t.Fatalf("convtool ended before its temporary output appeared: %s", stderr.String())
			}
			cmd.Process.Signal(sig)
			<-done
			ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if sig == syscall.SIGQUIT {
				if ws.Signaled() || ws.ExitStatus() != 128+int(sig) {
					t.Errorf("status %v, want exit %d", ws, 128+int(sig))
				}
			} else if !ws.Signaled() || ws.Signal() != sig {
				t.Errorf("status %v, want killed by %v (128+%d in the shell)", ws, sig, int(sig))
			}
			if left := temporaries(t, dir); len(left) > 0 {
				t.Errorf("left behind %v", left)
			}
			if b, err := os.ReadFile(out); err != nil || string(b) != sentinel {
				t.Errorf("previous output changed: %.40q, %v", b, err)
			}
			if strings.Contains(stderr.String(), "goroutine") {
				t.Errorf("stderr: %s", stderr.String())
			}
		})
	}
}

// TestShellRedirections runs issue 11's reports that need a shell, as
// reported. Failure 11: with stdout closed (>&-) an output of "-" is an
// error, and so is stdin closed for "-"; a file output is not affected.
// Failure 7: --json >/dev/full still writes the output, with status 0.
// Failure 9: stdin from /dev/zero ends at once.
func TestShellRedirections(t *testing.T) {
	bin := convtoolBinary(t)
	dir := t.TempDir()
	in := filepath.Join(hostileDir, "ramp5.npy")
	for _, c := range []struct {
		shell string
		code  int
		msg   string
	}{
		{`"$0" conv "$1" - -k box:3 >&-`, 1, "convtool: stdout: closed when convtool started\n"},
		{`"$0" conv - "$2/o.npy" -k box:3 <&-`, 1, "convtool: stdin: closed when convtool started\n"},
		{`"$0" conv "$1" "$2/o.npy" -k box:3 -q >&-`, 0, ""},
		// Issue 11, failure 7, as reported: the output is written, so exit 0.
		{`"$0" conv "$3" "$2/o.png" -k box:3 --json >/dev/full && test -s "$2/o.png"`, 0, "convtool: $2/o.png was written, but its summary was not: stdout: no space left on device\n"},
		// Issue 11, failure 9, as reported: stdin from /dev/zero ends at once.
		{`"$0" conv - "$2/z.npy" -k box:3 < /dev/zero`, 1, "convtool: stdin: not a PNG, JPEG, GIF, TIFF, BMP, .npy or text matrix (binary data)\n"},
		{`"$0" conv "$1" - -k box:3 -q >/dev/null`, 0, ""},
	} {
		grey := filepath.Join(repoTestdata, "cli", "grey.png")
		cmd := exec.Command("/bin/sh", "-c", c.shell, bin, in, dir, grey)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if want := strings.ReplaceAll(c.msg, "$2", dir); code != c.code || stderr.String() != want {
			t.Errorf("%s: exit %d, stderr %q; want %d, %q", c.shell, code, stderr.String(), c.code, want)
		}
	}
}

// TestUmaskHonoured (issue 11, failure 11): a new output's mode is 0666
// less the umask, as any program's; an existing output keeps its own.
func TestUmaskHonoured(t *testing.T) {
	in := filepath.Join(hostileDir, "ramp5.npy")
	for _, c := range []struct {
		umask int
		want  os.FileMode
	}{{0o077, 0o600}, {0o022, 0o644}, {0o002, 0o664}} {
		dir := t.TempDir()
		old := syscall.Umask(c.umask)
		r := runCLI(t, nil, "conv", in, filepath.Join(dir, "o.npy"), "-k", "box:3")
		syscall.Umask(old)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		st, err := os.Stat(filepath.Join(dir, "o.npy"))
		if err != nil || st.Mode().Perm() != c.want {
			t.Errorf("umask %03o: mode %v, want %v", c.umask, st.Mode().Perm(), c.want)
		}
	}
}

// TestStreamOutputs (issue 11, failure 6): /dev/stdout and the like are
// written as "-" is, in --format or the input's own format, in place.
func TestStreamOutputs(t *testing.T) {
	bin := convtoolBinary(t)
	in := filepath.Join(hostileDir, "ramp5.npy")
	for _, out := range []string{"/dev/stdout", "/proc/self/fd/1", "-"} {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, "conv", in, out, "-k", "box:3", "-q")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v: %s", out, err, stderr.String())
		}
		if !strings.HasPrefix(stdout.String(), "\x93NUMPY") {
			t.Errorf("%s: stdout starts %.10q", out, stdout.String())
		}
	}
	// /dev/null has no extension either: a stream, not a usage error.
	if r := runCLI(t, nil, "conv", in, "/dev/null", "-k", "box:3", "-q"); r.code != 0 {
		t.Errorf("/dev/null: exit %d: %s", r.code, r.stderr)
	}
	if r := runCLI(t, nil, "conv", in, "/dev/full", "-k", "box:3", "-q"); r.code != 1 || r.stderr != "convtool: /dev/full: no space left on device\n" {
		t.Errorf("/dev/full: exit %d: %q", r.code, r.stderr)
	}
}
