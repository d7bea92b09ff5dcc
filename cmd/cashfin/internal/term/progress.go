package term

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// DefaultTick is how often the progress bar is redrawn.
const DefaultTick = 200 * time.Millisecond

// Progress reports a bulk command on standard error: a bar redrawn in place when standard error
// is a terminal, and plain lines of news always. It is safe for concurrent use.
type Progress struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	verb    string // "imported", "exported"
	done    int
	total   int
	start   time.Time
	drawn   int        // width of the bar on screen, 0 when none is
	width   func() int // the terminal's width in columns, 0 when unknown
	daily   dailyWindow
	stop    chan struct{}
	stopped chan struct{}
}

// NewProgress starts reporting on w; the bar is drawn every tick when tty is set, fitted to the
// width width reports (asked at every draw, so that a resized terminal is followed).
func NewProgress(w io.Writer, tty bool, width func() int, verb string, total int, tick time.Duration) *Progress {
	p := &Progress{w: w, tty: tty, width: width, verb: verb, total: total, start: time.Now()}
	if tty {
		if tick <= 0 {
			tick = DefaultTick
		}
		p.stop, p.stopped = make(chan struct{}), make(chan struct{})
		go p.loop(tick)
	}
	return p
}

func (p *Progress) loop(tick time.Duration) {
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

// Add counts n more items done.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	p.done += n
	p.mu.Unlock()
}

// Reset starts counting items of another kind ("listed", "imported") again, towards total,
// from now.
func (p *Progress) Reset(verb string, total int) {
	p.mu.Lock()
	p.verb, p.done, p.total, p.start = verb, 0, total, time.Now()
	p.mu.Unlock()
}

// SetTotal changes the number of items expected (an export learns it from the first page).
func (p *Progress) SetTotal(n int) {
	p.mu.Lock()
	p.total = n
	p.mu.Unlock()
}

// AddTotal changes the number of items expected by n (an import that skips a row it counted).
func (p *Progress) AddTotal(n int) {
	p.mu.Lock()
	p.total = max(0, p.total+n)
	p.mu.Unlock()
}

// Printf writes a line of news, above the bar if there is one.
func (p *Progress) Printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintf(p.w, format, args...)
	p.draw()
}

// Finish stops the bar and removes it.
func (p *Progress) Finish() {
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

func (p *Progress) clear() {
	if p.drawn > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.drawn))
		p.drawn = 0
	}
}

func (p *Progress) draw() {
	if !p.tty {
		return
	}
	cols := 0
	if p.width != nil {
		cols = p.width()
	}
	line := fitBar(p.verb, p.done, p.total, time.Since(p.start), cols, p.daily)
	pad := ""
	if n := p.drawn - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
	p.drawn = len(line)
}

// barWidth is the number of cells of the bar itself.
const barWidth = 24

// RenderBar is the bar's text: "[#####.....]  412/1000 imported  81/s  ETA 7s". ASCII only, so
// its byte length is its width on screen.
func RenderBar(verb string, done, total int, elapsed time.Duration) string {
	return renderBar(verb, done, total, elapsed, dailyWindow{})
}

// renderBar is RenderBar with the ETA counting the days of daily.
func renderBar(verb string, done, total int, elapsed time.Duration, daily dailyWindow) string {
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
		fmt.Fprintf(&b, "  ETA %s", Duration(daily.eta(total-done, rate, time.Now())))
	}
	return b.String()
}

// FitBar is renderBar made to fit a terminal cols wide (0: unknown, the full bar), leaving the
// last column free so that the line never wraps: the rate and ETA go first, then the bar
// narrows, then it goes, and at last the count is cut.
func FitBar(verb string, done, total int, elapsed time.Duration, cols int) string {
	return fitBar(verb, done, total, elapsed, cols, dailyWindow{})
}

// fitBar is FitBar with the ETA counting the days of daily.
func fitBar(verb string, done, total int, elapsed time.Duration, cols int, daily dailyWindow) string {
	line := renderBar(verb, done, total, elapsed, daily)
	if cols <= 0 || len(line) < cols {
		return line
	}
	if total <= 0 {
		return line[:cols-1]
	}
	count := fmt.Sprintf(" %d/%d %s", done, total, verb)
	if cells := min(barWidth, cols-1-len(count)-2); cells >= 5 {
		filled := min(cells, done*cells/total)
		return "[" + strings.Repeat("#", filled) + strings.Repeat(".", cells-filled) + "]" + count
	}
	count = strings.TrimPrefix(count, " ")
	return count[:min(len(count), max(0, cols-1))]
}

// SetDaily tells the bar the server's daily window, so that its ETA counts the days a long run
// waits for the window to reset: limit requests a day, left of them today, resetting at reset.
// A zero limit forgets it.
func (p *Progress) SetDaily(limit, left int, reset time.Time) {
	p.mu.Lock()
	p.daily = dailyWindow{limit: limit, left: left, reset: reset}
	p.mu.Unlock()
}
