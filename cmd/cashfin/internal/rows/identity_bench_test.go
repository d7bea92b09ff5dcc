package rows

import (
	"fmt"
	"testing"
)

// BenchmarkIndex is an importer's walk over 50,000 rows: find, add, key.
func BenchmarkIndex(b *testing.B) {
	people := make([]Person, 50_000)
	for i := range people {
		people[i] = Person{Name: fmt.Sprintf("Person %d Wanjikũ", i), Phone: fmt.Sprintf("+2547%08d", i)}
		if i%2 == 0 {
			people[i].Email = fmt.Sprintf("p%d@example.co.ke", i)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		var ix Index
		for i, p := range people {
			if _, _, ok := ix.Find(p, ""); !ok {
				ix.Add(p, fmt.Sprint(i))
			}
			ix.Key("contacts", p)
		}
	}
}
