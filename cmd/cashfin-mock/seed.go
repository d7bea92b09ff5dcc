package main

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/cashfin-go/cashfin"
)

// maxSeed is the most demo contacts -seed makes: IDs count them in 3 bytes.
const maxSeed = 1_000_000

// country is where a demo contact lives: names, a phone prefix and a number format.
type country struct {
	first, last []string
	dial        string // such as "+254"
	mobile      []string
	digits      int // digits after the mobile prefix
	companies   []company
}

// company is an employer of demo contacts.
type company struct{ name, domain string }

var countries = []country{
	{ // Kenya
		first:  []string{"Jane", "Wanjiru", "Brian", "Achieng", "Kevin", "Njeri", "Otieno", "Mercy", "Kiprono", "Faith"},
		last:   []string{"Wanjiku", "Odhiambo", "Kamau", "Mutua", "Chebet", "Omondi", "Kariuki", "Wekesa", "Njoroge", "Kiplagat"},
		dial:   "+254",
		mobile: []string{"7", "1"},
		digits: 8,
		companies: []company{{"Acme Corp", "acme.co.ke"}, {"Savannah Logistics", "savannahlogistics.co.ke"},
			{"Rift Valley Agro", "riftvalleyagro.co.ke"}, {"Mombasa Port Services", "mombasaport.co.ke"}},
	},
	{ // Nigeria
		first:  []string{"Chinedu", "Ngozi", "Oluwaseun", "Aisha", "Emeka", "Funmilayo", "Ibrahim", "Chiamaka", "Tunde", "Zainab"},
		last:   []string{"Okafor", "Adeyemi", "Bello", "Eze", "Okonkwo", "Balogun", "Musa", "Nwosu", "Adebayo", "Lawal"},
		dial:   "+234",
		mobile: []string{"80", "81", "70", "90"},
		digits: 8,
		companies: []company{{"Lagos Fintech Hub", "lagosfintech.ng"}, {"Niger Delta Energy", "ndenergy.com.ng"},
			{"Abuja Build Co", "abujabuild.ng"}},
	},
	{ // Ghana
		first:  []string{"Kwame", "Ama", "Kofi", "Akosua", "Yaw", "Abena", "Kwesi", "Efua", "Kojo", "Adwoa"},
		last:   []string{"Mensah", "Asante", "Owusu", "Boateng", "Osei", "Agyeman", "Appiah", "Darko", "Ofori", "Quaye"},
		dial:   "+233",
		mobile: []string{"24", "20", "55", "27"},
		digits: 7,
		companies: []company{{"Adinkra Foods", "adinkrafoods.com.gh"}, {"Gold Coast Textiles", "goldcoasttextiles.com.gh"},
			{"Volta Cocoa Traders", "voltacocoa.com.gh"}},
	},
	{ // South Africa
		first:  []string{"Thabo", "Naledi", "Sipho", "Lerato", "Themba", "Zanele", "Pieter", "Ayanda", "Lwazi", "Nomvula"},
		last:   []string{"Nkosi", "Dlamini", "Mokoena", "Naidoo", "van der Merwe", "Khumalo", "Botha", "Mahlangu", "Zulu", "Pillay"},
		dial:   "+27",
		mobile: []string{"82", "72", "83", "61"},
		digits: 7,
		companies: []company{{"Table Mountain Traders", "tmtraders.co.za"}, {"Karoo Solar", "karoosolar.co.za"},
			{"Highveld Mining Supplies", "highveldmining.co.za"}},
	},
}

var positions = []string{
	"Procurement Manager", "Finance Director", "Head of Operations", "Accountant", "Sales Lead",
	"Chief Executive Officer", "Software Engineer", "Marketing Manager", "Logistics Coordinator",
	"Customer Success Manager", "Credit Controller", "Product Manager",
}

// The demo contacts are created between seedEpoch (the API docs' example time) and seedEnd, so
// that contacts created later through the API are always newer.
var (
	seedEpoch = time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	seedEnd   = time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
)

// demoContacts returns n realistic demo contacts, the same ones on every run: IDs, timestamps and
// all. The first is the oldest; each is created up to 37 minutes after the one before.
func demoContacts(n int) []cashfin.Contact {
	out := make([]cashfin.Contact, n)
	step := min(37*time.Minute, seedEnd.Sub(seedEpoch)/time.Duration(max(n, 1)))
	created := seedEpoch
	for i := range out {
		h := mix(uint64(i))
		c := countries[i%len(countries)]
		// Walk each country's first x last names in a scrambled order, so that names (and so
		// emails) repeat only after every pair has been used.
		j := i / len(countries)
		pairs := len(c.first) * len(c.last)
		k := (j%pairs*37 + 11) % pairs // 37 is coprime with 100: a permutation of the pairs
		first, last := c.first[k%len(c.first)], c.last[k/len(c.first)]
		co := c.companies[(h>>16)%uint64(len(c.companies))]
		local := strings.ToLower(first + "." + strings.ReplaceAll(last, " ", ""))
		if j >= pairs {
			local += fmt.Sprint(j / pairs) // keep emails unique in large seeds
		}
		mobile := c.mobile[(h>>24)%uint64(len(c.mobile))]
		number := fmt.Sprintf("%0*d", c.digits, (h>>32)%pow10(c.digits))
		out[i] = cashfin.Contact{
			ID:          objectID(created, uint32(i)),
			Name:        first + " " + last,
			Email:       local + "@" + co.domain,
			Phone:       c.dial + mobile + number,
			Position:    positions[(h>>40)%uint64(len(positions))],
			CompanyName: co.name,
			CreatedAt:   created,
			UpdatedAt:   created,
		}
		created = created.Add(step/2 + time.Duration(h%uint64(step/2/time.Second+1))*time.Second)
	}
	return out
}

// objectID builds a MongoDB-style ObjectID: the creation time, a fixed machine part and i.
func objectID(t time.Time, i uint32) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(t.Unix()))
	copy(b[4:9], []byte{0xca, 0x5f, 0x1e, 0x5e, 0xed})
	b[9], b[10], b[11] = byte(i>>16), byte(i>>8), byte(i)
	return hex.EncodeToString(b[:])
}

// mix is splitmix64's finaliser: a fixed, well-spread hash of i.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func pow10(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}
