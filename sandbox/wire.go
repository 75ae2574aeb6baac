package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	serviceConnect       = "Connect"
	serviceIdentityStore = "IdentityStore"
	serviceSSOAdmin      = "SSOAdmin"

	targetIdentityStore = "AWSIdentityStore"
	targetSSOAdmin      = "SWBExternalService"

	maxBody = 1 << 20
)

// call is one request being answered.
type call struct {
	s       *Sandbox
	service string
	op      string
	args    []string // path parameters, in the order of the route
	query   url.Values
	body    []byte
	now     time.Time
}

// apiError is an error answer in AWS's shape: an HTTP status, an error code
// (the exception's name), a message and any extra members of its body.
type apiError struct {
	status  int
	code    string
	message string
	extra   map[string]any
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

type handler func(c *call) (any, *apiError)

type operation struct {
	handle   handler
	mutating bool // Create* and Delete*: subject to fault injection
}

// ServeHTTP answers one API call: Connect by method and path, Identity Store
// and SSO Admin by X-Amz-Target. Signatures are not checked.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Amzn-RequestId", newUUID())
	c := &call{s: s, query: r.URL.Query(), now: s.now().UTC()}
	var op operation
	var known bool
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		prefix, name, _ := strings.Cut(target, ".")
		c.op = name
		switch prefix {
		case targetIdentityStore:
			c.service = serviceIdentityStore
			op, known = identityStoreOps[name]
		case targetSSOAdmin:
			c.service = serviceSSOAdmin
			op, known = ssoAdminOps[name]
		case targetServiceQuotas:
			c.service = serviceServiceQuotas
			op, known = serviceQuotasOps[name]
		default:
			c.service = "Unknown"
			if c.op == "" {
				c.op = target
			}
		}
	} else {
		c.service = serviceConnect
		c.op, c.args = routeConnect(r.Method, r.URL.EscapedPath())
		op, known = connectOps[c.op]
		if !known {
			c.op = "UnknownOperation"
		}
	}
	s.count(c, func(n *CallCount) { n.Sent++ })

	if d := s.opts.Latency; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}

	if !known {
		s.count(c, func(n *CallCount) { n.Failed++ })
		if c.service == serviceConnect {
			c.writeError(w, &apiError{status: http.StatusNotFound, code: "UnknownOperationException", message: fmt.Sprintf("no Connect operation answers %s %s", r.Method, r.URL.Path)})
			return
		}
		c.writeError(w, &apiError{status: http.StatusBadRequest, code: "UnknownOperationException", message: "unknown operation " + r.Header.Get("X-Amz-Target")})
		return
	}

	if !s.limits.allow(c.service, c.op) {
		s.count(c, func(n *CallCount) { n.Throttled++ })
		c.writeError(w, c.throttling())
		return
	}

	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		s.count(c, func(n *CallCount) { n.Failed++ })
		c.writeError(w, c.badRequest("reading the request body: %v", err))
		return
	}
	c.body = body
	if s.holdCall(r, c) {
		return
	}

	fault := faultNone
	if op.mutating {
		fault = s.fault()
	}
	if fault == faultBefore {
		s.count(c, func(n *CallCount) { n.Failed++ })
		c.writeError(w, c.internal())
		return
	}
	out, apiErr := op.handle(c)
	if s.loseAnswer(w, r, c, op.mutating) {
		return
	}
	if apiErr != nil {
		s.count(c, func(n *CallCount) { n.Failed++ })
		c.writeError(w, apiErr)
		return
	}
	if fault == faultAfter {
		s.count(c, func(n *CallCount) { n.Failed++ })
		c.writeError(w, c.internal())
		return
	}
	c.writeJSON(w, http.StatusOK, out)
}

func (s *Sandbox) count(c *call, f func(*CallCount)) {
	key := c.service + "." + c.op
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.calls[key]
	if n == nil {
		n = &CallCount{}
		s.calls[key] = n
	}
	f(n)
	if s.counted != nil {
		s.counted(key, *n)
	}
}

// SetCountWatch makes f run each time a call's counts change (it was
// sent, throttled, failed, dropped or held), with its "Service.Operation"
// and its counts after the change: a test waits on it for a count to be
// reached instead of polling Calls. f runs with the sandbox's lock held and
// must not call the sandbox. nil removes the hook.
func (s *Sandbox) SetCountWatch(f func(op string, now CallCount)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counted = f
}

const (
	faultNone = iota
	faultBefore
	faultAfter
)

// fault decides whether a mutating call fails, and if so whether before or
// after its change is applied (half each: the ambiguous outcome of a timeout).
func (s *Sandbox) fault() int {
	if s.opts.ErrorRate <= 0 {
		return faultNone
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rng.Float64() >= s.opts.ErrorRate {
		return faultNone
	}
	if s.rng.IntN(2) == 0 {
		return faultBefore
	}
	return faultAfter
}

func (c *call) contentType() string {
	if c.service == serviceConnect {
		return "application/json"
	}
	return "application/x-amz-json-1.1"
}

func (c *call) writeJSON(w http.ResponseWriter, status int, v any) {
	if v == nil {
		v = struct{}{}
	}
	b, err := json.Marshal(prune(v))
	if err != nil {
		c.writeError(w, c.internal())
		return
	}
	w.Header().Set("Content-Type", c.contentType())
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError answers as AWS does: the X-Amzn-ErrorType header names the
// error, and the JSON body carries Message (and __type for awsJson).
func (c *call) writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{}
	for k, v := range e.extra {
		body[k] = v
	}
	body["Message"] = e.message
	if c.service != serviceConnect {
		body["__type"] = e.code
	}
	b, _ := json.Marshal(body) // a map of strings and numbers always marshals
	if c.service == serviceConnect {
		// AWS's restJson services may append a URI to the name: sending one
		// checks that clients strip it.
		w.Header().Set("X-Amzn-ErrorType", e.code+":http://internal.amazon.com/coral/com.amazonaws.connect/")
	} else {
		w.Header().Set("X-Amzn-ErrorType", e.code)
	}
	w.Header().Set("Content-Type", c.contentType())
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(e.status)
	_, _ = w.Write(b)
}

func (c *call) throttling() *apiError {
	e := &apiError{status: http.StatusTooManyRequests, code: "ThrottlingException", message: "Rate exceeded"}
	if c.service == serviceIdentityStore {
		if c.s.opts.IdentityStoreThrottle400 {
			// The form seen in real traffic (docs/aws.md §4): HTTP 400,
			// ThrottlingException, "Rate exceeded"; without the
			// RetryAfterSeconds of the 429 form.
			return &apiError{status: http.StatusBadRequest, code: "ThrottlingException", message: "Rate exceeded"}
		}
		e.extra = map[string]any{"RetryAfterSeconds": 1}
	}
	return e
}

func (c *call) internal() *apiError {
	if c.service == serviceConnect {
		return &apiError{status: http.StatusInternalServerError, code: "InternalServiceException", message: "Request processing failed due to an internal error. Please try again."}
	}
	return &apiError{status: http.StatusInternalServerError, code: "InternalServerException", message: "An internal error occurred. Please try again."}
}

// badRequest is the error for a malformed or invalid parameter.
func (c *call) badRequest(format string, a ...any) *apiError {
	code := "ValidationException"
	if c.service == serviceConnect {
		code = "InvalidParameterException"
	}
	return &apiError{status: http.StatusBadRequest, code: code, message: fmt.Sprintf(format, a...)}
}

func (c *call) decode(v any) *apiError {
	if len(strings.TrimSpace(string(c.body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		if c.service == serviceConnect {
			return &apiError{status: http.StatusBadRequest, code: "InvalidRequestException", message: "the request body is not valid JSON: " + err.Error()}
		}
		return &apiError{status: http.StatusBadRequest, code: "SerializationException", message: "the request body is not valid JSON: " + err.Error()}
	}
	return nil
}

// maxResults checks a page size against the API's bounds.
func (c *call) maxResults(v *int, def, lo, hi int) (int, *apiError) {
	if v == nil {
		return def, nil
	}
	if *v < lo || *v > hi {
		return 0, c.badRequest("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between %d and %d", *v, lo, hi)
	}
	return *v, nil
}

// queryMaxResults reads maxResults from the query string (restJson lists).
func (c *call) queryMaxResults(def, lo, hi int) (int, *apiError) {
	raw := c.query.Get("maxResults")
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, c.badRequest("maxResults must be a number, got %q", raw)
	}
	return c.maxResults(&n, def, lo, hi)
}

// page returns up to max items after the position a token names. Items are
// in creation order, and a token names the last item returned, so a listing
// stays consistent while items are added or deleted.
func page[T any](c *call, items []T, seqOf func(T) int64, token string, max int) ([]T, *string, *apiError) {
	start := 0
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		var after int64
		if err == nil {
			after, err = strconv.ParseInt(strings.TrimPrefix(string(raw), "after:"), 10, 64)
		}
		if err != nil || !strings.HasPrefix(string(raw), "after:") {
			return nil, nil, c.badRequest("the nextToken is not valid")
		}
		start = sort.Search(len(items), func(i int) bool { return seqOf(items[i]) > after })
	}
	end := min(start+max, len(items))
	out := append([]T(nil), items[start:end]...)
	if end < len(items) {
		t := base64.RawURLEncoding.EncodeToString([]byte("after:" + strconv.FormatInt(seqOf(items[end-1]), 10)))
		return out, &t, nil
	}
	return out, nil, nil
}

// epoch is a timestamp as the JSON protocols send it: seconds since 1970.
func epoch(t time.Time) float64 {
	return float64(t.UnixMilli()) / 1000
}

// prune drops nil members from the maps of a response, as AWS omits absent
// members rather than sending null.
func prune(v any) any {
	switch m := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(m))
		for k, x := range m {
			if isNil(x) {
				continue
			}
			out[k] = prune(x)
		}
		return out
	case []map[string]any:
		out := make([]any, len(m))
		for i, x := range m {
			out[i] = prune(x)
		}
		return out
	}
	return v
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch r := reflect.ValueOf(v); r.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return r.IsNil()
	}
	return false
}

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
