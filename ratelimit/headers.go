package ratelimit

import (
	"net/http"
	"strconv"
	"time"
)

// WriteHeaders describes d to the client in the rate-limit header fields of
// the IETF draft "RateLimit header fields for HTTP":
//
//	RateLimit-Limit: 70           requests an idle client may send at once
//	RateLimit-Remaining: 69       requests it may still send now
//	RateLimit-Reset: 1            seconds until it is back to full capacity
//	RateLimit-Policy: 60;w=60;burst=10
//
// and, when d denies the request, Retry-After in whole seconds (at least 1).
// The policy leaves out burst when it is zero. Seconds are rounded up.
func WriteHeaders(w http.ResponseWriter, d Decision) {
	h := w.Header()
	h.Set("RateLimit-Limit", strconv.Itoa(d.Limit.Capacity()))
	h.Set("RateLimit-Remaining", strconv.Itoa(max(d.Remaining, 0)))
	h.Set("RateLimit-Reset", strconv.FormatInt(ceilSeconds(d.ResetAfter), 10))
	h.Set("RateLimit-Policy", Policy(d.Limit))
	if !d.Allowed {
		h.Set("Retry-After", strconv.FormatInt(max(ceilSeconds(d.RetryAfter), 1), 10))
	}
}

// Policy formats l as a RateLimit-Policy value: "60;w=60" for 60 requests
// a minute, "60;w=60;burst=10" with a burst. A period that is not a whole
// number of seconds is rounded up.
func Policy(l Limit) string {
	b := make([]byte, 0, 32)
	b = strconv.AppendInt(b, int64(l.Rate), 10)
	b = append(b, ";w="...)
	b = strconv.AppendInt(b, ceilSeconds(l.Per), 10)
	if l.Burst > 0 {
		b = append(b, ";burst="...)
		b = strconv.AppendInt(b, int64(l.Burst), 10)
	}
	return string(b)
}

// RetryAfter sets the Retry-After header to d in whole seconds, at least 1.
func RetryAfter(w http.ResponseWriter, d time.Duration) {
	w.Header().Set("Retry-After", strconv.FormatInt(max(ceilSeconds(d), 1), 10))
}

func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}
