package main

import (
	"net/url"
	"sync/atomic"

	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/bulk"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// host is the host of the API the command talks to, for messages.
func (a *app) host(c *commonFlags) string {
	base := a.baseURL(c)
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		return u.Host
	}
	return base
}

// callError is err, naming the host and the attempts made when it is a failure to reach the API.
func (a *app) callError(c *commonFlags, err error, attempts *atomic.Int32) error {
	if bulk.IsTransport(err) {
		return bulk.TransportError(err, a.host(c), int(attempts.Load()))
	}
	return err
}

// progress starts the progress report of a bulk command on standard error.
func (a *app) progress(verb string) *term.Progress {
	tick := a.tick
	if tick <= 0 {
		tick = term.DefaultTick
	}
	return term.NewProgress(a.stderr, a.terminal(a.stderr), a.width(), verb, 0, tick)
}

// pacer is the pacing of a bulk command against the API of c.
func (a *app) pacer(prog *term.Progress, c *commonFlags) *bulk.Pacer {
	return bulk.NewPacer(bulk.PaceConfig{PauseMin: a.pauseMin, AnnounceMin: a.announceMin, Progress: prog, Host: a.host(c)})
}
