package envelope

import (
	"fmt"
	"strconv"
	"strings"
)

// challenge is a compiled [Format.Challenge]: literal text and placeholders,
// each inside a quoted-string.
type challenge struct {
	parts []challengePart
}

type challengePart struct {
	lit  string
	slot slotKind // 0 for literal text
	attr string
}

// challengeValues are the error's values a challenge may hold.
type challengeValues struct {
	code, message, requestID string
	status                   int
	attrs                    map[string]string
}

// parseChallenge compiles a challenge template such as
// `Bearer error="{{code}}", error_description="{{message}}"`.
func parseChallenge(src string) (*challenge, error) {
	if strings.TrimSpace(src) == "" || !validHeaderValue(src) {
		return nil, fmt.Errorf("challenge %q is empty or holds control characters", src)
	}
	if !isTokenByte(src[0]) {
		// RFC 9110 §11.6.1: a challenge starts with its auth-scheme.
		return nil, fmt.Errorf("challenge %q does not start with an auth-scheme", src)
	}
	c := &challenge{}
	inQuotes := false
	lit := strings.Builder{}
	for i := 0; i < len(src); i++ {
		switch {
		case strings.HasPrefix(src[i:], "{{"):
			end := strings.Index(src[i:], "}}")
			if end < 0 {
				return nil, fmt.Errorf("challenge: unclosed placeholder at byte %d", i)
			}
			name := strings.TrimSpace(src[i+2 : i+end])
			if !inQuotes {
				return nil, fmt.Errorf("challenge: placeholder {{%s}} at byte %d must be inside a quoted-string", name, i)
			}
			p := challengePart{}
			word, rest, _ := strings.Cut(name, " ")
			switch {
			case name == "code":
				p.slot = slotCode
			case name == "message":
				p.slot = slotMessage
			case name == "status":
				p.slot = slotStatus
			case name == "requestId":
				p.slot = slotRequestID
			case word == "attr" && validAttrName(strings.TrimSpace(rest)):
				p.slot, p.attr = slotAttr, strings.TrimSpace(rest)
			default:
				return nil, fmt.Errorf("challenge: unknown placeholder {{%s}} at byte %d", name, i)
			}
			if lit.Len() > 0 {
				c.parts = append(c.parts, challengePart{lit: lit.String()})
				lit.Reset()
			}
			c.parts = append(c.parts, p)
			i += end + 1
		case src[i] == '\\' && inQuotes && i+1 < len(src):
			lit.WriteString(src[i : i+2])
			i++
		default:
			if src[i] == '"' {
				inQuotes = !inQuotes
			}
			lit.WriteByte(src[i])
		}
	}
	if inQuotes {
		return nil, fmt.Errorf("challenge %q has an unclosed quoted-string", src)
	}
	if lit.Len() > 0 {
		c.parts = append(c.parts, challengePart{lit: lit.String()})
	}
	return c, nil
}

// render returns the challenge for one error.
func (c *challenge) render(v challengeValues) string {
	var b strings.Builder
	for _, p := range c.parts {
		switch p.slot {
		case 0:
			b.WriteString(p.lit)
		case slotCode:
			appendQuotedContent(&b, v.code)
		case slotMessage:
			appendQuotedContent(&b, v.message)
		case slotStatus:
			b.WriteString(strconv.Itoa(v.status))
		case slotRequestID:
			appendQuotedContent(&b, v.requestID)
		case slotAttr:
			appendQuotedContent(&b, v.attrs[p.attr])
		}
	}
	return b.String()
}

// appendQuotedContent writes s as the content of an RFC 9110 §5.6.4
// quoted-string: '"' and '\' escaped with a backslash, and every byte
// outside printable ASCII (controls, and non-ASCII, which RFC 6750 §3 does
// not allow in its parameters) replaced by '?'.
func appendQuotedContent(b *strings.Builder, s string) {
	for _, r := range s { // invalid UTF-8 is one RuneError per byte
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
}
