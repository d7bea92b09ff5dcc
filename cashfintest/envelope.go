package cashfintest

import (
	"maps"
	"net/http"
)

// WriteData answers with status and Cashfin's success envelope,
// {"success":true,"message":message,"data":data} ("message" left out when ""), for a handler
// given to Handle:
//
//	srv.Handle("GET /business/invoice/details/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//		cashfintest.WriteData(w, http.StatusOK, "", Invoice{ID: r.PathValue("id"), Status: "unpaid"})
//	}))
//
// data is encoded with encoding/json; a value it cannot encode is answered with 503.
func WriteData(w http.ResponseWriter, status int, message string, data any) {
	writeJSON(w, status, successBody{Success: true, Message: message, Data: data})
}

// WriteError answers with status and Cashfin's error envelope,
// {"success":false,"error":message,"errors":fields} ("errors" left out when empty), as the API
// refuses a request: WriteError(w, 404, "Invoice not found", nil), or a 400 with a message per
// field, as the fake's own validation answers.
func WriteError(w http.ResponseWriter, status int, message string, fields map[string]string) {
	writeJSON(w, status, errorBody{Error: message, Errors: maps.Clone(fields)})
}

// WriteList answers the list request r with one page of items, as the fake's own lists answer:
// r's query parameters page (default 1) and limit (default 10; over 100 is served as 100) pick
// the page, and the answer is 200 with
// {"success":true,"data":[...],"pagination":{"total":...,"page":...,"limit":...,"pages":...}},
// total being len(items). A page or limit that is not a positive integer is 400 with the error
// envelope. Filter items first (by r's search or status parameter, say); a page past the end
// has no items.
func WriteList[T any](w http.ResponseWriter, r *http.Request, items []T) {
	page, limit, _, ok := pageParams(&exchange{w: w, r: r})
	if !ok {
		return
	}
	from := min(int64(page-1)*int64(limit), int64(len(items)))
	to := min(from+int64(limit), int64(len(items)))
	data := make([]T, 0, to-from)
	data = append(data, items[from:to]...)
	writeJSON(w, http.StatusOK, listBody[T]{
		Success:    true,
		Data:       data,
		Pagination: pagination{Total: len(items), Page: page, Limit: limit, Pages: ceilDiv(len(items), limit)},
	})
}
