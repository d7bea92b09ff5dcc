package main

import (
	"encoding/csv"
	"io"
	"strconv"
)

// writeErrorsFile writes the rows that failed, in file order, as a CSV that imports again once
// fixed: the input's own columns and cells (less the "line" and "error" columns of an earlier
// errors file), then the row's line in the input and the reason it failed. The importer ignores
// unknown columns, so line and error do no harm on the way back in.
func writeErrorsFile(w io.Writer, header []string, rows []*importRow) error {
	var keep []int
	out := make([]string, 0, len(header)+2)
	for i, h := range header {
		if k := headerKey(h); k == "line" || k == "error" {
			continue
		}
		keep = append(keep, i)
		out = append(out, h)
	}
	cw := csv.NewWriter(w)
	cw.Write(append(out, "line", "error"))
	for _, r := range rows {
		if r.state != stateInvalid && r.state != stateFailed {
			continue
		}
		out = out[:0]
		for _, i := range keep {
			cell := ""
			if i < len(r.raw) {
				cell = r.raw[i]
			}
			out = append(out, cell)
		}
		cw.Write(append(out, strconv.Itoa(r.line), r.reason))
	}
	cw.Flush()
	return cw.Error()
}
