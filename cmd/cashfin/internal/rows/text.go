package rows

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

var (
	utf8BOM    = []byte("\xef\xbb\xbf") // what Excel writes before a UTF-8 CSV
	utf16LEBOM = []byte("\xff\xfe")     // Excel's "Unicode text", Notepad, PowerShell
	utf16BEBOM = []byte("\xfe\xff")
)

// encodings are the Options.Encoding values, and what they decode.
var encodings = map[string]encoding.Encoding{
	"utf-8":        nil,
	"utf8":         nil,
	"windows-1252": charmap.Windows1252,
	"cp1252":       charmap.Windows1252,
	"latin1":       charmap.ISO8859_1,
	"iso-8859-1":   charmap.ISO8859_1,
	"utf-16":       unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM),
	"utf-16le":     unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM),
	"utf-16be":     unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM),
}

// chooseEncoding settles the encoding from the byte-order mark and the option.
func (s *Source) chooseEncoding(name string) error {
	utf16BOM := bytes.Equal(s.bom, utf16LEBOM) || bytes.Equal(s.bom, utf16BEBOM)
	enc, ok := encodings[strings.ToLower(name)]
	switch {
	case name != "" && !ok:
		return fmt.Errorf("--encoding %q: want utf-8, windows-1252, latin1 or utf-16", name)
	case utf16BOM && name != "" && !strings.HasPrefix(strings.ToLower(name), "utf-16"):
		return fmt.Errorf("the file starts with a UTF-16 byte-order mark, but --encoding is %s", name)
	case bytes.Equal(s.bom, utf16LEBOM):
		s.enc = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case bytes.Equal(s.bom, utf16BEBOM):
		s.enc = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	default:
		s.enc = enc
	}
	return nil
}

// decoded is the file's text as UTF-8.
func (s *Source) decoded(r io.Reader) *bufio.Reader {
	if s.enc != nil {
		r = s.enc.NewDecoder().Reader(r)
	}
	return bufio.NewReaderSize(r, 64<<10)
}

// maxRecord is the longest row read: a longer one is nearly always a quote that never closes.
const maxRecord = 1 << 20

var errRecordTooLong = fmt.Errorf("a row longer than %d bytes: a quote that opens a cell and never closes?", maxRecord)

// tap is a reader that keeps what was read from it until take.
type tap struct {
	r     io.Reader
	buf   []byte
	start int   // buf[:start] was taken: dropped at the next Read
	base  int64 // offset of buf[0] in the stream
}

// Read reads from the underlying reader, keeping a copy.
func (t *tap) Read(p []byte) (int, error) {
	if t.start > 0 { // what take returned is no longer in use: reuse its room
		n := copy(t.buf, t.buf[t.start:])
		t.buf, t.base, t.start = t.buf[:n], t.base+int64(t.start), 0
	}
	if len(t.buf) > maxRecord+len(p) {
		return 0, errRecordTooLong
	}
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// take returns the bytes from the previous take up to offset end; they stay valid until the
// next Read.
func (t *tap) take(end int64) []byte {
	n := int(end - t.base)
	raw := t.buf[t.start:n:n]
	t.start = n
	return raw
}

// checkText rejects text that is not valid UTF-8, or holds NUL bytes, with its line and a hint.
func checkText(raw []byte, line int) error {
	if utf8.Valid(raw) && bytes.IndexByte(raw, 0) < 0 {
		return nil
	}
	if i := bytes.IndexByte(raw, 0); i >= 0 && (utf8.Valid(raw[:i])) {
		return fmt.Errorf("line %d: NUL bytes: the file looks like UTF-16 without a byte-order mark; "+
			"try --encoding utf-16", line+bytes.Count(raw[:i], []byte{'\n'}))
	}
	i := 0
	for i < len(raw) {
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		i += size
	}
	return fmt.Errorf("line %d: not valid UTF-8 (byte 0x%02X): the file is probably in a Windows "+
		"encoding; try --encoding windows-1252 (or latin1), or save it from Excel as \"CSV UTF-8\"",
		line+bytes.Count(raw[:i], []byte{'\n'}), raw[i])
}
