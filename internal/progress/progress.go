package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// width is the number of cells between the brackets.
const width = 30

// Bar is a progress bar drawn on w. The zero value is not usable; a nil
// *Bar accepts every call and draws nothing, so callers need no checks.
type Bar struct {
	mu      sync.Mutex
	w       io.Writer
	label   string
	start   time.Time
	delay   time.Duration
	last    time.Time
	drawn   bool
	lineLen int
	unit    string
	now     func() time.Time
}

// New returns a bar labelled label that starts drawing on w once delay
// has passed since New.
func New(w io.Writer, label string, delay time.Duration) *Bar {
	b := &Bar{w: w, label: label, delay: delay, now: time.Now}
	b.start = b.now()
	return b
}

// NewCount returns a bar that counts whole items ("[====   ] 3/8 files")
// instead of a percentage; unit names them.
func NewCount(w io.Writer, label, unit string, delay time.Duration) *Bar {
	b := New(w, label, delay)
	b.unit = unit
	return b
}

// Update reports that done of total units of work are finished.
func (b *Bar) Update(done, total int) {
	if b == nil || total <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.now()
	if t.Sub(b.start) < b.delay || (b.drawn && t.Sub(b.last) < 100*time.Millisecond && done < total) {
		return
	}
	b.last, b.drawn = t, true
	done = min(max(done, 0), total)
	filled := done * width / total
	prefix := ""
	if b.label != "" {
		prefix = b.label + " "
	}
	count := fmt.Sprintf("%3d%%", done*100/total)
	if b.unit != "" {
		count = fmt.Sprintf("%d/%d %s", done, total, b.unit)
	}
	line := fmt.Sprintf("\r%s[%s%s] %s", prefix, strings.Repeat("=", filled), strings.Repeat(" ", width-filled), count)
	b.lineLen = len(line) - 1
	io.WriteString(b.w, line)
}

// Finish erases the bar, if it was drawn, so that what follows starts on a
// clean line.
func (b *Bar) Finish() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprintf(b.w, "\r%s\r", strings.Repeat(" ", b.lineLen))
		b.drawn = false
	}
}
