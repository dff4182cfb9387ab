package envelope

import (
	"errors"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"
)

// MemberKind says what an envelope member carries.
type MemberKind uint8

// Member kinds. The RFC 9457 kinds (status, type, title, instance) make a
// problem+json body; any format may use them.
const (
	// MemberCode carries the error code, spelled as the format says.
	MemberCode MemberKind = iota + 1
	// MemberMessage carries the public message (RFC 9457 "detail").
	MemberMessage
	// MemberDetails carries the error's details; with Member.CarriesFields
	// it carries the field errors instead when there are any.
	MemberDetails
	// MemberFields carries the field errors, laid out as Member.Fields says.
	MemberFields
	// MemberRequestID carries the request ID; left out when there is none.
	MemberRequestID
	// MemberStatus carries the HTTP status as a JSON number (RFC 9457 §3.1.2).
	MemberStatus
	// MemberType carries a problem type URI (RFC 9457 §3.1.1): about:blank,
	// or Format.TypeBase followed by the code.
	MemberType
	// MemberTitle carries a short summary of the problem type (RFC 9457
	// §3.1.3): the status's reason phrase when the type is about:blank,
	// otherwise the code's default message.
	MemberTitle
	// MemberInstance carries the request path, a URI reference identifying
	// where the problem occurred (RFC 9457 §3.1.5).
	MemberInstance
)

var memberKindNames = [...]string{
	MemberCode: "code", MemberMessage: "message", MemberDetails: "details",
	MemberFields: "fields", MemberRequestID: "requestId", MemberStatus: "status",
	MemberType: "type", MemberTitle: "title", MemberInstance: "instance",
}

// String returns the kind's name, such as "code".
func (k MemberKind) String() string {
	if int(k) < len(memberKindNames) && memberKindNames[k] != "" {
		return memberKindNames[k]
	}
	return fmt.Sprintf("MemberKind(%d)", k)
}

// FieldStyle says how field errors are laid out.
type FieldStyle uint8

// Field styles.
const (
	// FieldsMessage is an object from field path to one message:
	// {"email": "must be a valid email address"}. Several messages for one
	// field are joined with "; ". The zero FieldStyle.
	FieldsMessage FieldStyle = iota
	// FieldsMessages is an object from field path to a list of messages:
	// {"email": ["is required"]}.
	FieldsMessages
	// FieldsObjects is a list of objects, one per problem:
	// [{"field": "email", "code": "required", "message": "is required"}];
	// "code" is left out when the problem has none.
	FieldsObjects
	// FieldsPointers is the RFC 9457 validation convention, a list of
	// objects with a JSON Pointer (RFC 6901) in URI fragment form:
	// [{"detail": "is required", "pointer": "#/items/2/sku", "code": "required"}].
	FieldsPointers
)

// EmptyStyle says how a details or fields member appears when it has nothing
// to carry.
type EmptyStyle uint8

// Empty styles.
const (
	// EmptyOmit leaves the member out. The zero EmptyStyle.
	EmptyOmit EmptyStyle = iota
	// EmptyNull renders the member as null.
	EmptyNull
	// EmptyObject renders the member as {}.
	EmptyObject
)

// CodeCase says how codes are spelled on the wire.
type CodeCase uint8

// Code cases.
const (
	// CodeAsIs spells codes as they are in Go: not_found. The zero CodeCase.
	CodeAsIs CodeCase = iota
	// CodeUpper spells codes in upper case: NOT_FOUND.
	CodeUpper
)

// Member is one member of an envelope: what it carries, under which name.
type Member struct {
	// Kind is what the member carries. Required.
	Kind MemberKind
	// Name is the JSON member name, such as "code" or "request_id".
	// Required, and unique within the format.
	Name string
	// Fields is the layout of field errors, for MemberFields and for a
	// MemberDetails that carries fields.
	Fields FieldStyle
	// CarriesFields, on a MemberDetails, makes the member carry the field
	// errors when the error has any, in place of its details.
	CarriesFields bool
	// Empty is how a MemberDetails or MemberFields member with nothing to
	// carry appears. Other kinds with nothing to carry are left out.
	Empty EmptyStyle
	// OmitWithFields leaves the member out of errors that have field
	// errors, for contracts whose validation bodies hold only the fields.
	OmitWithFields bool
}

// Format describes the wire shape of error bodies: member names and order,
// nesting, code spelling, the status of validation errors, the request ID
// header and the media type. The zero Format is not valid; start from
// [FlatFormat] or another preset, or fill in Members.
//
// A Format is validated and compiled once, when an [ErrorWriter] is built
// from it; changing it afterwards has no effect on that writer.
type Format struct {
	// Name identifies the format in documents and logs, such as "flat".
	Name string
	// MediaType is the Content-Type of error bodies. Empty means
	// "application/json".
	MediaType string
	// Wrap, when set, nests all members in an object under this member
	// name: {"error": {...}}.
	Wrap string
	// Members lists the members in the order they are written. Extension
	// members of an error follow them.
	Members []Member
	// CodeCase is how codes are spelled on the wire.
	CodeCase CodeCase
	// CodePrefix is prepended to every code after casing, such as
	// "ERROR_CODE_".
	CodePrefix string
	// CodeNames gives exact wire spellings for particular codes, such as
	// CodeInternal: "internal_error". They win over CodeCase and CodePrefix.
	CodeNames map[Code]string
	// ValidationStatus, when set (400 or 422), is the status of
	// validation_failed errors. Zero keeps the code's status.
	ValidationStatus int
	// RequestIDHeader is the response header that carries the request ID.
	// Empty means "X-Request-Id"; "-" means no header.
	RequestIDHeader string
	// TypeBase is the prefix of problem type URIs for MemberType: the type
	// of a not_found error is TypeBase + "not_found". Empty means every
	// type is "about:blank" (RFC 9457 §4.2.1).
	TypeBase string
	// Indent, when set, pretty-prints bodies with this indent per level (as
	// [encoding/json.Indent] does), for contracts that document an
	// indented layout. It may hold only spaces and tabs. Empty means
	// compact bodies, which is what almost every API sends.
	Indent string
}

// FlatFormat returns the default format, a flat envelope:
//
//	{"code":"invalid_request","message":"email is required",
//	 "fields":{"email":"must be a valid email address"},"requestId":"..."}
//
// Details and fields are left out when empty; the request ID also goes in
// the X-Request-Id header. Each call returns a fresh Format that the caller
// may modify.
func FlatFormat() Format {
	return Format{
		Name: "flat",
		Members: []Member{
			{Kind: MemberCode, Name: "code"},
			{Kind: MemberMessage, Name: "message"},
			{Kind: MemberDetails, Name: "details"},
			{Kind: MemberFields, Name: "fields", Fields: FieldsMessage},
			{Kind: MemberRequestID, Name: "requestId"},
		},
	}
}

// Validate reports the first problem that makes f unusable: no members, a
// member without a name or kind, two members with one name, a MediaType
// that does not parse, a ValidationStatus other than 0, 400 or 422, a
// CodeNames spelling that is empty or shared by two codes, an Indent that
// is not blank.
func (f *Format) Validate() error {
	if len(f.Members) == 0 {
		return errors.New("envelope: format has no members")
	}
	if f.Wrap != "" && !utf8.ValidString(f.Wrap) {
		return errors.New("envelope: format Wrap is not valid UTF-8")
	}
	seen := make(map[string]bool, len(f.Members))
	for i, m := range f.Members {
		if m.Kind < MemberCode || m.Kind > MemberInstance {
			return fmt.Errorf("envelope: format member %d (%q) has no valid kind", i, m.Name)
		}
		if m.Name == "" {
			return fmt.Errorf("envelope: format member %d (%s) has an empty name", i, m.Kind)
		}
		if !utf8.ValidString(m.Name) {
			return fmt.Errorf("envelope: format member %d (%s) name is not valid UTF-8", i, m.Kind)
		}
		if seen[m.Name] {
			return fmt.Errorf("envelope: format has two members named %q", m.Name)
		}
		seen[m.Name] = true
		if m.Fields > FieldsPointers {
			return fmt.Errorf("envelope: format member %q has an unknown field style %d", m.Name, m.Fields)
		}
		if m.Empty > EmptyObject {
			return fmt.Errorf("envelope: format member %q has an unknown empty style %d", m.Name, m.Empty)
		}
		if m.CarriesFields && m.Kind != MemberDetails {
			return fmt.Errorf("envelope: format member %q: only a details member can carry fields", m.Name)
		}
	}
	if f.MediaType != "" {
		if _, _, err := mime.ParseMediaType(f.MediaType); err != nil {
			return fmt.Errorf("envelope: format media type %q: %w", f.MediaType, err)
		}
	}
	switch f.ValidationStatus {
	case 0, 400, 422:
	default:
		return fmt.Errorf("envelope: format validation status %d is not 400 or 422", f.ValidationStatus)
	}
	if strings.Trim(f.Indent, " \t") != "" {
		return fmt.Errorf("envelope: format indent %q holds other than spaces and tabs", f.Indent)
	}
	if f.CodeCase > CodeUpper {
		return fmt.Errorf("envelope: format has an unknown code case %d", f.CodeCase)
	}
	if f.RequestIDHeader != "" && f.RequestIDHeader != "-" && !validHeaderName(f.RequestIDHeader) {
		return fmt.Errorf("envelope: format request ID header %q is not a valid header name", f.RequestIDHeader)
	}
	spelled := make(map[string]Code, len(f.CodeNames))
	for c, name := range f.CodeNames {
		if name == "" {
			return fmt.Errorf("envelope: format spells code %q as the empty string", c)
		}
		if other, dup := spelled[name]; dup {
			return fmt.Errorf("envelope: format spells both %q and %q as %q", other, c, name)
		}
		spelled[name] = c
	}
	return nil
}

// compiledFormat is a validated Format with its constant bytes precomputed.
type compiledFormat struct {
	f            Format
	mediaType    string // the Content-Type header value
	open, close  []byte
	members      []compiledMember
	reserved     map[string]bool // member names extensions may not take
	idHeader     string          // canonical; "" for none
	codeNames    map[Code]string
	hasFieldsOut bool // some member can carry field errors
	hasType      bool // some member carries the problem type
}

type compiledMember struct {
	Member
	key []byte // `"name":`
}

func compileFormat(f Format) (*compiledFormat, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	f.Members = append([]Member(nil), f.Members...)
	cf := &compiledFormat{f: f, reserved: make(map[string]bool, len(f.Members)+1)}
	mt := f.MediaType
	if mt == "" {
		mt = "application/json"
	}
	cf.mediaType = mt
	if f.Wrap != "" {
		cf.open = appendJSONString([]byte("{"), f.Wrap)
		cf.open = append(cf.open, ":{"...)
		cf.close = []byte("}}")
	} else {
		cf.open = []byte("{")
		cf.close = []byte("}")
	}
	for _, m := range f.Members {
		key := appendJSONString(nil, m.Name)
		cf.members = append(cf.members, compiledMember{Member: m, key: append(key, ':')})
		cf.reserved[m.Name] = true
		if m.Kind == MemberFields || m.CarriesFields {
			cf.hasFieldsOut = true
		}
		cf.hasType = cf.hasType || m.Kind == MemberType
	}
	switch f.RequestIDHeader {
	case "":
		cf.idHeader = "X-Request-Id"
	case "-":
	default:
		cf.idHeader = canonicalKey(f.RequestIDHeader)
	}
	if len(f.CodeNames) > 0 {
		cf.codeNames = make(map[Code]string, len(f.CodeNames))
		for k, v := range f.CodeNames {
			cf.codeNames[k] = v
		}
	}
	return cf, nil
}

// status returns the status e renders with in this format.
func (cf *compiledFormat) status(e *APIError) int {
	if cf.f.ValidationStatus != 0 && e.Code() == CodeValidation {
		return cf.f.ValidationStatus
	}
	return e.Status()
}

// wireCode appends the wire spelling of code as a JSON string.
func (cf *compiledFormat) appendCode(dst []byte, code Code) []byte {
	if name, ok := cf.codeNames[code]; ok {
		return appendJSONString(dst, name)
	}
	if cf.f.CodeCase == CodeAsIs && cf.f.CodePrefix == "" {
		return appendJSONString(dst, string(code))
	}
	s := string(code)
	if cf.f.CodeCase == CodeUpper {
		s = strings.ToUpper(s)
	}
	return appendJSONString(dst, cf.f.CodePrefix+s)
}

func canonicalKey(k string) string {
	// textproto.CanonicalMIMEHeaderKey through net/http; kept in one place.
	return httpCanonicalHeaderKey(k)
}
