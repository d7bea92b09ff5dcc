package main

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/cashfin-go/cashfin"
)

// maxSeed is the most demo contacts -seed makes: IDs count them in 3 bytes.
const maxSeed = 1_000_000

// country is where a demo contact or customer lives: names, a phone prefix and a number format,
// and for customers the country's name (as the API's examples write it), currency and places.
type country struct {
	name, currency string // "Kenya", "KES"
	first, last    []string
	dial           string // such as "+254"
	mobile         []string
	digits         int // digits after the mobile prefix
	companies      []company
	cities         []string
	streets        []string
}

// company is an employer of demo contacts.
type company struct{ name, domain string }

var countries = []country{
	{
		name: "Kenya", currency: "KES",
		cities:  []string{"Nairobi", "Mombasa", "Kisumu", "Nakuru", "Eldoret"},
		streets: []string{"Moi Avenue", "Kenyatta Avenue", "Ngong Road", "Waiyaki Way", "Tom Mboya Street"},
		first:   []string{"Jane", "Wanjiru", "Brian", "Achieng", "Kevin", "Njeri", "Otieno", "Mercy", "Kiprono", "Faith"},
		last:    []string{"Wanjiku", "Odhiambo", "Kamau", "Mutua", "Chebet", "Omondi", "Kariuki", "Wekesa", "Njoroge", "Kiplagat"},
		dial:    "+254",
		mobile:  []string{"7", "1"},
		digits:  8,
		companies: []company{{"Acme Corp", "acme.co.ke"}, {"Savannah Logistics", "savannahlogistics.co.ke"},
			{"Rift Valley Agro", "riftvalleyagro.co.ke"}, {"Mombasa Port Services", "mombasaport.co.ke"}},
	},
	{
		name: "Nigeria", currency: "NGN",
		cities:  []string{"Lagos", "Abuja", "Ibadan", "Port Harcourt", "Kano"},
		streets: []string{"Awolowo Road", "Adeola Odeku Street", "Ahmadu Bello Way", "Allen Avenue", "Herbert Macaulay Way"},
		first:   []string{"Chinedu", "Ngozi", "Oluwaseun", "Aisha", "Emeka", "Funmilayo", "Ibrahim", "Chiamaka", "Tunde", "Zainab"},
		last:    []string{"Okafor", "Adeyemi", "Bello", "Eze", "Okonkwo", "Balogun", "Musa", "Nwosu", "Adebayo", "Lawal"},
		dial:    "+234",
		mobile:  []string{"80", "81", "70", "90"},
		digits:  8,
		companies: []company{{"Lagos Fintech Hub", "lagosfintech.ng"}, {"Niger Delta Energy", "ndenergy.com.ng"},
			{"Abuja Build Co", "abujabuild.ng"}},
	},
	{
		name: "Ghana", currency: "GHS",
		cities:  []string{"Accra", "Kumasi", "Tamale", "Takoradi", "Cape Coast"},
		streets: []string{"Oxford Street", "Liberation Road", "Independence Avenue", "Ring Road Central", "Kwame Nkrumah Avenue"},
		first:   []string{"Kwame", "Ama", "Kofi", "Akosua", "Yaw", "Abena", "Kwesi", "Efua", "Kojo", "Adwoa"},
		last:    []string{"Mensah", "Asante", "Owusu", "Boateng", "Osei", "Agyeman", "Appiah", "Darko", "Ofori", "Quaye"},
		dial:    "+233",
		mobile:  []string{"24", "20", "55", "27"},
		digits:  7,
		companies: []company{{"Adinkra Foods", "adinkrafoods.com.gh"}, {"Gold Coast Textiles", "goldcoasttextiles.com.gh"},
			{"Volta Cocoa Traders", "voltacocoa.com.gh"}},
	},
	{
		name: "South Africa", currency: "ZAR",
		cities:  []string{"Johannesburg", "Cape Town", "Durban", "Pretoria", "Gqeberha"},
		streets: []string{"Jan Smuts Avenue", "Long Street", "Florida Road", "Church Street", "Rivonia Road"},
		first:   []string{"Thabo", "Naledi", "Sipho", "Lerato", "Themba", "Zanele", "Pieter", "Ayanda", "Lwazi", "Nomvula"},
		last:    []string{"Nkosi", "Dlamini", "Mokoena", "Naidoo", "van der Merwe", "Khumalo", "Botha", "Mahlangu", "Zulu", "Pillay"},
		dial:    "+27",
		mobile:  []string{"82", "72", "83", "61"},
		digits:  7,
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
		out[i] = cashfin.Contact{
			ID:          objectID(created, contactMachine, uint32(i)),
			Name:        first + " " + last,
			Email:       local + "@" + co.domain,
			Phone:       c.phone(h),
			Position:    positions[(h>>40)%uint64(len(positions))],
			CompanyName: co.name,
			CreatedAt:   created,
			UpdatedAt:   created,
		}
		created = created.Add(step/2 + time.Duration(h%uint64(step/2/time.Second+1))*time.Second)
	}
	return out
}

// The machine parts of the demo IDs: contacts and customers never share an ID.
var (
	contactMachine  = [5]byte{0xca, 0x5f, 0x1e, 0x5e, 0xed}
	customerMachine = [5]byte{0xca, 0x5f, 0x1e, 0xc0, 0x57}
)

// objectID builds a MongoDB-style ObjectID: the creation time, a fixed machine part and i.
func objectID(t time.Time, machine [5]byte, i uint32) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(t.Unix()))
	copy(b[4:9], machine[:])
	b[9], b[10], b[11] = byte(i>>16), byte(i>>8), byte(i)
	return hex.EncodeToString(b[:])
}

// personalDomains are the mail providers of individual demo customers.
var personalDomains = []string{"gmail.com", "yahoo.com", "outlook.com"}

// demoCustomers returns n realistic demo customers, the same ones on every run, as demoContacts
// does for contacts: one in three a business (with a company, and an email at its domain), the
// rest individuals; each with the country's name, currency and a street address in one of its
// cities.
func demoCustomers(n int) []cashfin.Customer {
	out := make([]cashfin.Customer, n)
	step := min(41*time.Minute, seedEnd.Sub(seedEpoch)/time.Duration(max(n, 1)))
	created := seedEpoch.Add(7 * time.Minute)
	for i := range out {
		h := mix(uint64(i) + 1<<40) // another stream than the contacts'
		c := countries[i%len(countries)]
		j := i / len(countries)
		pairs := len(c.first) * len(c.last)
		k := (j%pairs*61 + 29) % pairs // 61 is coprime with 100: a permutation of the pairs
		first, last := c.first[k%len(c.first)], c.last[k/len(c.first)]
		local := strings.ToLower(first + "." + strings.ReplaceAll(last, " ", ""))
		if j >= pairs {
			local += fmt.Sprint(j / pairs) // keep emails unique in large seeds
		}
		cu := cashfin.Customer{
			ID:        objectID(created, customerMachine, uint32(i)),
			Name:      first + " " + last,
			Email:     local + "@" + personalDomains[(h>>8)%uint64(len(personalDomains))],
			Phone:     c.phone(h),
			Country:   c.name,
			Currency:  c.currency,
			Address:   fmt.Sprintf("%d %s", 1+(h>>48)%240, c.streets[(h>>16)%uint64(len(c.streets))]),
			City:      c.cities[(h>>56)%uint64(len(c.cities))],
			Type:      cashfin.CustomerIndividual,
			CreatedAt: created,
			UpdatedAt: created,
		}
		if i%3 == 1 {
			co := c.companies[(h>>40)%uint64(len(c.companies))]
			cu.Type, cu.Company, cu.Email = cashfin.CustomerBusiness, co.name, local+"@"+co.domain
		}
		out[i] = cu
		created = created.Add(step/2 + time.Duration(h%uint64(step/2/time.Second+1))*time.Second)
	}
	return out
}

// phone is a mobile number of c drawn from h, in E.164: a valid one, as libphonenumber (and so
// the CLI's import) knows the country's numbers, so that an export of the demo account imports
// into another as it is. A draw that is not valid (some prefixes hold few numbers) is drawn
// again from h mixed anew; a valid first draw is kept, so the numbers docs quote stay.
func (c country) phone(h uint64) string {
	for {
		p := c.dial + c.mobile[(h>>24)%uint64(len(c.mobile))] + fmt.Sprintf("%0*d", c.digits, (h>>32)%pow10(c.digits))
		if n, err := phonenumbers.Parse(p, ""); err == nil && phonenumbers.IsValidNumber(n) {
			return p
		}
		h = mix(h)
	}
}

// mix is splitmix64's finaliser: a fixed, well-spread hash of x.
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
