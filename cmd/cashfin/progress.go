package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// defaultTick is how often the progress bar is redrawn.
const defaultTick = 200 * time.Millisecond

// progress reports a bulk command on standard error: a bar redrawn in place when standard error
// is a terminal, and plain lines of news always. It is safe for concurrent use.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	verb    string // "imported", "exported"
	done    int
	total   int
	start   time.Time
	drawn   int // width of the bar on screen, 0 when none is
	stop    chan struct{}
	stopped chan struct{}
}

// newProgress starts reporting on w; the bar is drawn every tick when tty is set.
func newProgress(w io.Writer, tty bool, verb string, total int, tick time.Duration) *progress {
	p := &progress{w: w, tty: tty, verb: verb, total: total, start: time.Now()}
	if tty {
		if tick <= 0 {
			tick = defaultTick
		}
		p.stop, p.stopped = make(chan struct{}), make(chan struct{})
		go p.loop(tick)
	}
	return p
}

func (p *progress) loop(tick time.Duration) {
	defer close(p.stopped)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.draw()
			p.mu.Unlock()
		}
	}
}

// add counts n more items done.
func (p *progress) add(n int) {
	p.mu.Lock()
	p.done += n
	p.mu.Unlock()
}

// reset starts counting items of another kind ("listed", "imported") again, towards total,
// from now.
func (p *progress) reset(verb string, total int) {
	p.mu.Lock()
	p.verb, p.done, p.total, p.start = verb, 0, total, time.Now()
	p.mu.Unlock()
}

// setTotal changes the number of items expected (an export learns it from the first page).
func (p *progress) setTotal(n int) {
	p.mu.Lock()
	p.total = n
	p.mu.Unlock()
}

// printf writes a line of news, above the bar if there is one.
func (p *progress) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintf(p.w, format, args...)
	p.draw()
}

// finish stops the bar and removes it.
func (p *progress) finish() {
	if p.stop != nil {
		close(p.stop)
		<-p.stopped
		p.stop = nil
	}
	p.mu.Lock()
	p.clear()
	p.tty = false
	p.mu.Unlock()
}

func (p *progress) clear() {
	if p.drawn > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.drawn))
		p.drawn = 0
	}
}

func (p *progress) draw() {
	if !p.tty {
		return
	}
	line := renderBar(p.verb, p.done, p.total, time.Since(p.start))
	pad := ""
	if n := p.drawn - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
	p.drawn = len(line)
}

// barWidth is the number of cells of the bar itself.
const barWidth = 24

// renderBar is the bar's text: "[#####.....]  412/1000 imported  81/s  ETA 7s". ASCII only, so
// its byte length is its width on screen.
func renderBar(verb string, done, total int, elapsed time.Duration) string {
	var b strings.Builder
	if total > 0 {
		filled := min(barWidth, done*barWidth/total)
		b.WriteString("[" + strings.Repeat("#", filled) + strings.Repeat(".", barWidth-filled) + "]")
		fmt.Fprintf(&b, " %d/%d %s", done, total, verb)
	} else {
		fmt.Fprintf(&b, "%d %s", done, verb)
	}
	secs := elapsed.Seconds()
	if secs <= 0 || done == 0 {
		return b.String()
	}
	rate := float64(done) / secs
	fmt.Fprintf(&b, "  %.0f/s", rate)
	if total > done {
		eta := time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second)
		fmt.Fprintf(&b, "  ETA %s", eta)
	}
	return b.String()
}
