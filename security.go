package envelope

import (
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// SecurityOptions configures the security headers step of [Middleware]. The
// headers are set on every response before the next handler runs, so a
// handler's own value wins: the handler knows its body, and a response that
// is not a JSON body (a documentation page with scripts, an image served
// cross-origin) may need a looser policy than the API default. The 500 of a
// recovered panic carries the configured values again, and every error
// response X-Content-Type-Options: nosniff. The zero value sends the
// defaults suited to a JSON API (OWASP REST Security Cheat Sheet):
//
//	X-Content-Type-Options: nosniff
//	X-Frame-Options: DENY
//	Content-Security-Policy: default-src 'none'; frame-ancestors 'none'
//	Referrer-Policy: no-referrer
//	Cross-Origin-Resource-Policy: same-origin
//	Strict-Transport-Security: max-age=31536000; includeSubDomains (over HTTPS only)
//
// An empty field means its default; list a header in Omit to not send it.
type SecurityOptions struct {
	// ContentSecurityPolicy is the Content-Security-Policy value. A JSON
	// body needs no resources, so the default forbids all of them and any
	// framing.
	ContentSecurityPolicy string
	// FrameOptions is the X-Frame-Options value: "DENY" (the default) or
	// "SAMEORIGIN".
	FrameOptions string
	// ReferrerPolicy is the Referrer-Policy value: one or more
	// comma-separated policy tokens, such as "no-referrer" (the default)
	// or "strict-origin-when-cross-origin".
	ReferrerPolicy string
	// CrossOriginResourcePolicy is the Cross-Origin-Resource-Policy value:
	// "same-origin" (the default), "same-site" or "cross-origin".
	CrossOriginResourcePolicy string
	// StrictTransportSecurity is the Strict-Transport-Security value (RFC
	// 6797 §6.1); it must hold a max-age directive. The default is
	// "max-age=31536000; includeSubDomains".
	StrictTransportSecurity string
	// HSTSAlways sends Strict-Transport-Security on every response, for a
	// server that is only ever reached over HTTPS through infrastructure
	// it cannot identify. By default HSTS goes only on responses to
	// requests that arrived over TLS, or through a trusted proxy that says
	// so (RFC 6797 §7.2: not over plain HTTP).
	HSTSAlways bool
	// TrustedProxies lists the IP addresses and CIDR prefixes ("10.0.0.0/8",
	// "2001:db8::1") of the reverse proxies whose X-Forwarded-Proto is
	// believed. A request is taken to be HTTPS when its immediate peer
	// (r.RemoteAddr) is one of them and the proxy's X-Forwarded-Proto (its
	// last entry) is "https". A client's own X-Forwarded-Proto is never
	// believed. Empty means no proxy is trusted.
	TrustedProxies []string
	// Omit names headers of the list above not to send at all, such as
	// "X-Frame-Options".
	Omit []string
}

// securityHeaders is SecurityOptions validated and precomputed.
type securityHeaders struct {
	fields  []securityField
	hsts    string // "" when omitted
	always  bool
	proxies []netip.Prefix
}

type securityField struct {
	key, val string
}

// securityValues is per-request storage for the header values apply sets:
// the five fixed headers and HSTS.
type securityValues [6]string

const (
	hdrNosniff = "X-Content-Type-Options"
	hdrFrame   = "X-Frame-Options"
	hdrCSP     = "Content-Security-Policy"
	hdrRef     = "Referrer-Policy"
	hdrCORP    = "Cross-Origin-Resource-Policy"
	hdrHSTS    = "Strict-Transport-Security"
)

func newSecurityHeaders(opts SecurityOptions) (*securityHeaders, error) {
	omit := make(map[string]bool, len(opts.Omit))
	for _, k := range opts.Omit {
		ck := http.CanonicalHeaderKey(k)
		switch ck {
		case hdrNosniff, hdrFrame, hdrCSP, hdrRef, hdrCORP, hdrHSTS:
			omit[ck] = true
		default:
			return nil, fmt.Errorf("envelope: cannot omit %q: not a security header this middleware sends", k)
		}
	}
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	values := []struct {
		key, val string
		check    func(string) error
	}{
		{hdrNosniff, "nosniff", nil},
		{hdrFrame, or(opts.FrameOptions, "DENY"), oneOf("DENY", "SAMEORIGIN")},
		{hdrCSP, or(opts.ContentSecurityPolicy, "default-src 'none'; frame-ancestors 'none'"), nil},
		{hdrRef, or(opts.ReferrerPolicy, "no-referrer"), checkReferrerPolicy},
		{hdrCORP, or(opts.CrossOriginResourcePolicy, "same-origin"), oneOf("same-origin", "same-site", "cross-origin")},
	}
	s := &securityHeaders{always: opts.HSTSAlways}
	for _, v := range values {
		if err := checkSecurityValue(v.key, v.val, v.check); err != nil {
			return nil, err
		}
		if !omit[v.key] {
			s.fields = append(s.fields, securityField{v.key, v.val})
		}
	}
	hsts := or(opts.StrictTransportSecurity, "max-age=31536000; includeSubDomains")
	if err := checkSecurityValue(hdrHSTS, hsts, checkHSTS); err != nil {
		return nil, err
	}
	if !omit[hdrHSTS] {
		s.hsts = hsts
	}
	for _, p := range opts.TrustedProxies {
		pfx, err := parseProxy(p)
		if err != nil {
			return nil, err
		}
		s.proxies = append(s.proxies, pfx)
	}
	return s, nil
}

func checkSecurityValue(key, val string, check func(string) error) error {
	if strings.TrimSpace(val) != val || !validHeaderValue(val) {
		return fmt.Errorf("envelope: %s value %q holds control characters or surrounding spaces", key, val)
	}
	if check != nil {
		if err := check(val); err != nil {
			return fmt.Errorf("envelope: %s value %q: %w", key, val, err)
		}
	}
	return nil
}

func oneOf(allowed ...string) func(string) error {
	return func(v string) error {
		for _, a := range allowed {
			if strings.EqualFold(v, a) {
				return nil
			}
		}
		return fmt.Errorf("want one of %s", strings.Join(allowed, ", "))
	}
}

// checkReferrerPolicy accepts a comma-separated list of the policy tokens
// of the Referrer Policy specification (§8.1); browsers use the last one
// they know.
func checkReferrerPolicy(v string) error {
	for _, tok := range strings.Split(v, ",") {
		switch strings.TrimSpace(tok) {
		case "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin",
			"strict-origin", "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url":
		default:
			return fmt.Errorf("unknown policy %q", strings.TrimSpace(tok))
		}
	}
	return nil
}

// checkHSTS requires the max-age directive with a delta-seconds value
// (RFC 6797 §6.1.1).
func checkHSTS(v string) error {
	for _, d := range strings.Split(v, ";") {
		name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
		if strings.EqualFold(strings.TrimSpace(name), "max-age") {
			val = strings.Trim(strings.TrimSpace(val), `"`)
			if _, err := strconv.ParseUint(val, 10, 63); err != nil {
				return fmt.Errorf("max-age %q is not a number of seconds", val)
			}
			return nil
		}
	}
	return fmt.Errorf("missing max-age directive")
}

func parseProxy(p string) (netip.Prefix, error) {
	if strings.Contains(p, "/") {
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("envelope: trusted proxy %q: %w", p, err)
		}
		return pfx.Masked(), nil
	}
	a, err := netip.ParseAddr(p)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("envelope: trusted proxy %q: %w", p, err)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// apply sets the headers on h. Each value is copied into vals, storage
// that belongs to this request, and every header gets its own
// full-capacity slice of it: no two responses share a []string that a
// handler could modify in place (h[k][0] = v), and applying the headers
// costs no allocation beyond vals itself and the map's own growth.
func (s *securityHeaders) apply(h http.Header, r *http.Request, vals *securityValues) {
	n := 0
	for _, f := range s.fields {
		vals[n] = f.val
		h[f.key] = vals[n : n+1 : n+1]
		n++
	}
	if s.hsts != "" && (s.always || s.https(r)) {
		vals[n] = s.hsts
		h[hdrHSTS] = vals[n : n+1 : n+1]
	}
}

// https reports whether r arrived over TLS, directly or through a trusted
// proxy.
func (s *securityHeaders) https(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if len(s.proxies) == 0 {
		return false
	}
	xfp := r.Header["X-Forwarded-Proto"]
	if len(xfp) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	peer := ap.Addr().Unmap()
	trusted := false
	for _, p := range s.proxies {
		if p.Contains(peer) {
			trusted = true
			break
		}
	}
	if !trusted {
		return false
	}
	// The nearest proxy's entry is the last one: anything before it came
	// from further away, possibly from the client.
	last := xfp[len(xfp)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.EqualFold(strings.TrimSpace(last), "https")
}
