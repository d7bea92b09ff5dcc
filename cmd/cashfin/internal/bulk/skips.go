package bulk

import (
	"bufio"
	"fmt"
	"os"
	"sync"

	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// MaxShownSkips is how many skipped rows are described on standard error; past that, every one
// is written to a file that the summary names.
const MaxShownSkips = 20

// skipLog says of every skipped row its line and what it duplicates: on standard error for the
// first MaxShownSkips; all of them in a file once there are more.
type skipLog struct {
	prog *term.Progress
	path string // the file, "" for a new one in the temporary directory

	mu    sync.Mutex
	lines []string // the first MaxShownSkips, kept for the file
	n     int
	f     *os.File
	w     *bufio.Writer
	err   error
}

// note records a skipped row.
func (s *skipLog) note(line int, why string) {
	text := fmt.Sprintf("line %d: %s", line, term.Clean(why))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	if s.n <= MaxShownSkips {
		s.prog.Printf("%s\n", text)
		s.lines = append(s.lines, text)
		return
	}
	if s.f == nil && s.err == nil {
		s.open()
	}
	if s.w != nil {
		fmt.Fprintln(s.w, text)
	}
}

// open creates the file and writes the lines shown so far into it.
func (s *skipLog) open() {
	if s.path != "" {
		s.f, s.err = os.Create(s.path)
	} else {
		s.f, s.err = os.CreateTemp("", "cashfin-skipped-*.txt")
	}
	if s.err != nil {
		return
	}
	s.w = bufio.NewWriter(s.f)
	for _, l := range s.lines {
		fmt.Fprintln(s.w, l)
	}
	s.lines = nil
}

// close ends the file, and returns its name when one was written, or the error met.
func (s *skipLog) close() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil || s.f == nil {
		return "", s.err
	}
	err := s.w.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return s.f.Name(), err
}
