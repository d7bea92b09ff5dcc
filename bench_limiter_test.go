package cashfin_test

import (
	"context"
	"testing"

	"github.com/cashfin-go/cashfin"
)

// roomyPlan has room for any benchmark: the limiter's cost is its bookkeeping alone. The guard is
// off, or a benchmark running at the end of a second would time its waits.
var roomyPlan = cashfin.Plan{PerSecond: 1 << 30, PerMinute: 1 << 30, PerDay: 1 << 30}

func roomyPlanLimiter(b *testing.B) cashfin.Limiter {
	b.Helper()
	l, err := cashfin.NewPlanLimiter(roomyPlan, cashfin.WindowGuard(0))
	if err != nil {
		b.Fatal(err)
	}
	return l
}

// BenchmarkPlanLimiterWait is NewPlanLimiter's Wait with room in every window.
func BenchmarkPlanLimiterWait(b *testing.B) {
	l := roomyPlanLimiter(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := l.Wait(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSDKOverRawPlanLimiter is BenchmarkSDKOverRaw's Get and Create through a client given
// WithLimiter(NewPlanLimiter(...)) with room: compare its sdk/raw with BenchmarkSDKOverRaw's.
func BenchmarkSDKOverRawPlanLimiter(b *testing.B) {
	for _, bc := range []struct {
		name string
		call benchCall
	}{{"Get", benchGet}, {"Create", benchCreate}} {
		b.Run(bc.name, func(b *testing.B) {
			srv := benchServer(b)
			c, err := cashfin.NewClient(benchSecret, cashfin.WithBaseURL(srv.URL), cashfin.WithLimiter(roomyPlanLimiter(b)))
			if err != nil {
				b.Fatal(err)
			}
			pairedBench(b, c, newRawClient(srv), bc.call)
		})
	}
}
