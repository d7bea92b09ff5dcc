// Package rows reads the files a bulk import takes and says who is who in them.
//
// It owns everything between a file on disk and a row of field values: the formats (CSV, JSON
// lines, a JSON array, an object wrapping one array such as {"contacts":[...]}, and Excel .xlsx
// workbooks, recognised by their content), encodings (UTF-8, UTF-16 by its byte-order mark,
// Windows-1252 and Latin-1 on request), CSV delimiters, undoing what "export --excel-safe" did to a
// cell, mapping columns onto fields, counting blank rows, checking phones and emails, and the
// identity rules that decide whether two records are the same person (NormalizeEmail,
// NormalizeName, NormalizePhone, SamePerson, Index, IdempotencyKey).
//
// It knows nothing of resources: the caller names the fields a row carries (Options.Fields).
// Three field names mean something to it: "name" (several columns may be joined into it), "email"
// (checked, and the first part of a person's identity) and "phone" (parsed under a region and
// written in E.164).
//
// Files are read one row at a time, never whole: memory stays flat however long the file.
package rows
