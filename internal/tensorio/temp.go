package tensorio

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"sync"
)

// TempPrefix starts the name of every temporary output: a file
// ".convtool-…" beside the output, renamed over it once complete.
const TempPrefix = ".convtool-"

// temps are the temporary outputs being written now, so that a signal
// handler can remove them (RemoveTemporaries) before the process ends.
var temps struct {
	sync.Mutex
	names  map[string]bool
	closed bool // RemoveTemporaries ran: no new temporary file may start
}

// errInterrupted is what a write that starts after RemoveTemporaries gets.
var errInterrupted = errors.New("interrupted")

// createTemp creates a new temporary output in dir and records it. It is
// opened with mode 0666, so the user's umask decides the new file's
// permissions as it would for any other program's output; Write then sets
// an existing output's own mode. (os.CreateTemp uses 0600.)
func createTemp(dir string) (*os.File, error) {
	temps.Lock()
	defer temps.Unlock()
	if temps.closed {
		return nil, errInterrupted
	}
	for range 100 {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		name := filepath.Join(dir, TempPrefix+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if os.IsExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if temps.names == nil {
			temps.names = map[string]bool{}
		}
		temps.names[name] = true
		return f, nil
	}
	return nil, errors.New("cannot create a temporary file")
}

// forgetTemp drops name from the record once it was renamed or removed.
func forgetTemp(name string) {
	temps.Lock()
	delete(temps.names, name)
	temps.Unlock()
}

// RemoveTemporaries removes every temporary output still being written
// and makes later writes fail, so nothing is left behind when the process
// is about to end on a signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT). It is
// safe to call from any goroutine; an output already renamed into place
// is complete and stays.
func RemoveTemporaries() {
	temps.Lock()
	defer temps.Unlock()
	temps.closed = true
	for name := range temps.names {
		os.Remove(name)
		delete(temps.names, name)
	}
}
