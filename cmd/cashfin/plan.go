package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfinredis"
)

// envRedisURL is read for --redis when the flag is not given.
const envRedisURL = "CASHFIN_REDIS_URL"

// paceFlags are how an import or an export keeps to the plan: --rate paces this process to so
// many requests a second; --plan keeps it inside every window of a plan; --plan with --redis
// keeps every process that shares the secret and the Redis inside it together.
type paceFlags struct {
	fs       *flag.FlagSet
	rate     float64
	plan     string
	redisURL string
}

// paceFlagsOn registers --rate, --plan and --redis on fs.
func paceFlagsOn(fs *flag.FlagSet) *paceFlags {
	p := &paceFlags{fs: fs}
	fs.Float64Var(&p.rate, "rate", 5, "requests per second at most, 0 for no limit (5 is the smallest plan's limit); see --plan")
	fs.StringVar(&p.plan, "plan", "", "keep inside every window of a `plan`: PS,PM,PD requests a second, a minute and a UTC day (0: no limit), or free, starter, professional")
	fs.StringVar(&p.redisURL, "redis", "", "with --plan: share the plan with every process given the same secret and this Redis `URL` (default $"+envRedisURL+")")
	return p
}

// check checks the pacing flags once parsed: a bad --plan, --redis without --plan, and --rate
// with --plan are usage errors.
func (p *paceFlags) check(name string) error {
	if err := checkRate(name, p.rate); err != nil {
		return err
	}
	if p.plan == "" {
		if p.redisURL != "" {
			return usagef("%s: --redis needs --plan: say which plan the processes share", name)
		}
		return nil
	}
	if _, err := parsePlan(p.plan); err != nil {
		return usagef("%s: --plan %q: %v", name, p.plan, err)
	}
	rateSet := false
	p.fs.Visit(func(f *flag.Flag) { rateSet = rateSet || f.Name == "rate" })
	if rateSet {
		return usagef("%s: --rate and --plan: give one (--plan keeps to every window of the plan)", name)
	}
	if p.redisURL != "" {
		if _, err := redis.ParseURL(p.redisURL); err != nil {
			return usagef("%s: --redis: %v", name, err)
		}
	}
	return nil
}

// plans are the plans --plan knows by name.
var plans = map[string]cashfin.Plan{
	"free":         cashfin.PlanFree,
	"starter":      cashfin.PlanStarter,
	"professional": cashfin.PlanProfessional,
}

// parsePlan reads --plan: a plan's name in any case, or PS,PM,PD.
func parsePlan(s string) (cashfin.Plan, error) {
	s = strings.TrimSpace(s)
	if p, ok := plans[strings.ToLower(s)]; ok {
		return p, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return cashfin.Plan{}, fmt.Errorf("want free, starter, professional, or PS,PM,PD (requests a second, a minute and a day; 0 for no limit)")
	}
	var n [3]int
	for i, part := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil {
			return cashfin.Plan{}, fmt.Errorf("%q is not a whole number of requests", strings.TrimSpace(part))
		}
		n[i] = v
	}
	plan := cashfin.Plan{PerSecond: n[0], PerMinute: n[1], PerDay: n[2]}
	return plan, plan.Validate()
}

// pacing returns the rate and the client options that pace a command as its flags say,
// and a function that releases what they hold (a Redis connection), to call when the command
// ends.
func (a *app) pacing(p *paceFlags) (rate float64, opts []cashfin.Option, done func(), err error) {
	done = func() {}
	if p.plan == "" {
		return p.rate, nil, done, nil
	}
	plan, err := parsePlan(p.plan)
	if err != nil {
		return 0, nil, done, usagef("--plan: %v", err)
	}
	url := p.redisURL
	if url == "" {
		url = a.env(envRedisURL)
	}
	if url == "" {
		lim, err := cashfin.NewPlanLimiter(plan)
		return 0, []cashfin.Option{cashfin.WithLimiter(lim)}, done, err
	}
	ropts, err := redis.ParseURL(url)
	if err != nil {
		return 0, nil, done, usagef("$%s: %v", envRedisURL, err)
	}
	rdb := redis.NewClient(ropts)
	lim, err := cashfinredis.NewLimiter(rdb, planKey(a.env(cashfin.EnvClientSecret)), plan,
		cashfinredis.Logger(slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{ReplaceAttr: dropTime}))))
	if err != nil {
		rdb.Close()
		return 0, nil, done, err
	}
	return 0, []cashfin.Option{cashfin.WithLimiter(lim)}, func() { rdb.Close() }, nil
}

// planKey is the Redis key of the plan of secret: every process given the same secret finds the
// same key, and the key holds a hash of the secret, never the secret.
func planKey(secret string) string {
	sum := sha256.Sum256([]byte("cashfin plan\x00" + secret))
	return "cashfin:plan:" + hex.EncodeToString(sum[:16])
}

// dropTime leaves the time out of the limiter's log lines on standard error.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// pacedClient builds the client of a command that keeps to p; what the pacing holds is released
// when the command ends.
func (a *app) pacedClient(common *commonFlags, p *paceFlags) (*cashfin.Client, error) {
	rate, opts, done, err := a.pacing(p)
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, done)
	return a.client(common, rate, opts...)
}
