package rows_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/rows"
)

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "rows-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "hubspot.csv")
	os.WriteFile(path, []byte("First Name,Last Name,Email,Mobile\n"+
		"Wanjikũ,Kamau,WK@acme.co.ke,0712 345 678\n"+
		",,,\n"+
		"Otieno,Odhiambo,,2.54712E+11\n"), 0o600)

	fields := rows.Fields("name", "email", "phone")
	fields[0].Required = true
	src, err := rows.Open(path, nil, rows.Options{Fields: fields, Map: []string{"First Name=name", "Last Name=name"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	fmt.Println(src.Describe())
	src.Each(func(r *rows.Row) error {
		fmt.Printf("line %d: %q", r.Line, r.Values)
		if r.Err != "" {
			fmt.Print(": ", r.Err)
		}
		fmt.Println()
		return nil
	})
	fmt.Println("blank rows:", src.Blank())
	// Output:
	// columns: "First Name" + "Last Name" → name, "Email" → email, "Mobile" → phone
	// line 2: ["Wanjikũ Kamau" "WK@acme.co.ke" "+254712345678"]
	// line 4: ["Otieno Odhiambo" "" "2.54712E+11"]: phone "2.54712E+11" is in scientific notation: a spreadsheet rounded the number and its digits are lost; format the column as text and type the number again
	// blank rows: 1
}

func ExampleIndex() {
	var seen rows.Index
	seen.Add(rows.Person{Name: "Reception", Phone: "020 2345678"}, "line 2")
	seen.Add(rows.Person{Name: "Grace Muthoni", Email: "grace@acme.co.ke", Phone: "020 2345678"}, "line 3")

	for _, p := range []rows.Person{
		{Name: "Peter Kamau", Email: "peter@acme.co.ke", Phone: "+254202345678"}, // shares the office line
		{Name: "RECEPTION", Phone: "+254 20 2345678"},
		{Name: "G. Muthoni", Email: " Grace@ACME.co.ke"},
	} {
		if ref, reason, ok := seen.Find(p, "a row"); ok {
			fmt.Printf("%s: same person as %s (%s)\n", p.Name, ref, reason)
		} else {
			fmt.Printf("%s: a new person\n", p.Name)
		}
	}
	// Output:
	// Peter Kamau: a new person
	// RECEPTION: same person as line 2 (same name and phone)
	// G. Muthoni: same person as line 3 (same email)
}

func ExampleIdempotencyKey() {
	before := rows.Person{Name: "Grace Muthoni", Email: "grace@acme.co.ke"}
	after := rows.Person{Name: "GRACE  MUTHONI", Email: "Grace@Acme.co.ke", Phone: "0202345678"}
	fmt.Println(rows.IdempotencyKey("contacts", before) == rows.IdempotencyKey("contacts", after))
	// Output: true
}

func ExampleParsePhone() {
	for _, v := range []string{"0712 345 678", "254712345678", "call me"} {
		e164, err := rows.ParsePhone(v, rows.DefaultRegion)
		fmt.Println(e164, err)
	}
	// Output:
	// +254712345678 <nil>
	// +254712345678 <nil>
	//  phone "call me" is not a phone number: it has letters
}

func ExampleExcelSafePhone() {
	for _, v := range []string{"0712345678", "+254712345678", "=HYPERLINK(1)"} {
		safe := rows.ExcelSafePhone(v)
		fmt.Println(safe, rows.UndoExcelSafe(safe) == v)
	}
	// Output:
	// ="0712345678" true
	// '+254712345678 true
	// '=HYPERLINK(1) true
}
