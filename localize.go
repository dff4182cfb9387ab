package envelope

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// LocalizerOptions configures a [Localizer]. The zero value offers the
// built-in messages in every shipped language (English, German, French,
// Spanish, Japanese, Brazilian Portuguese), with English as the default.
type LocalizerOptions struct {
	// Default is the language used when the request's Accept-Language
	// matches none offered, is missing or is malformed. The zero Tag
	// means English. It must have messages for every built-in code: a
	// shipped language does, another needs a catalog that supplies them.
	Default language.Tag
	// Languages restricts the languages offered. Nil means every language
	// that has messages, built in or from Catalogs. Default is always
	// offered.
	Languages []language.Tag
	// Catalogs are overlaid, in order, on the built-in messages: a later
	// catalog's message for a (language, code) or (language, field key)
	// replaces an earlier one. They add codes, field keys and languages.
	Catalogs []Catalog
}

// Localizer picks the public message of each error, and of each field error,
// in the language the client asks for. Plug it into [WriterOptions.Localizer].
//
// For each response the [Writer] negotiates a language from the
// request's Accept-Language header (RFC 9110 §12.5.4) against the
// languages offered, then takes:
//   - the error's own message, when it was given one explicitly (New,
//     WithMessage, ...): an explicit message always wins;
//   - otherwise, for an error the library made itself (a request body over
//     the limit, a malformed JSON body), its library message;
//   - otherwise the catalog message for the error's code in that language,
//     formatted with the error's [APIError.WithArgs] arguments;
//   - otherwise the default message the writer's [Codes] declare for the
//     code, or else the message of the code's category.
//
// Without a Localizer a writer works the same way with the built-in English
// messages, and sets no Content-Language.
//
// Field errors are treated alike: one with an explicit Message keeps it, one
// with an empty Message gets the catalog message for its Code formatted
// with its Args, or else the generic "invalid" field message.
//
// A message whose placeholders need more arguments than given is not used.
// A language missing a message borrows it from its nearest ancestor that
// has one (a catalog for "de-CH" with a few messages borrows the rest from
// "de", offered or not), else from the default language.
//
// The zero Localizer is not usable (its methods panic); build one with
// [NewLocalizer]. A Localizer is immutable, except for internal caches, and
// safe for concurrent use; one may serve several [Writer]s.
type Localizer struct {
	langs   []*localeMessages // langs[0] is the default
	matcher language.Matcher
	cache   negotiationCache
}

// localeMessages is everything the writer needs for one language.
type localeMessages struct {
	tag     language.Tag
	header  []string // Content-Language value, shared (len == cap == 1)
	codes   map[Code]*compiledMessage
	fields  map[string]*compiledMessage
	library map[string]*compiledMessage
	printer *message.Printer
}

// compiledMessage is a message ready to print. A message without arguments
// is printed once, at construction.
type compiledMessage struct {
	key     string // catalog key; "" when text is final
	text    string
	nargs   int
	printer *message.Printer // of the message's own language
	lang    []string         // Content-Language of the message's language

	mu    sync.RWMutex
	cache map[string]string // args key -> text; see print
}

// NewLocalizer validates opts and returns a Localizer: it builds the
// [language.Matcher] and the [catalog.Builder] once, here, and copies what
// it needs, so later changes to the catalogs have no effect. It fails, with
// an error that starts "envelope: invalid catalog" and names the place, when
// a catalog is invalid (see [LoadCatalog]), a plural form uses a category its language does not
// have (Japanese has only "other"), the default language lacks a message
// for a built-in code, or an offered language has no messages. Tags are
// compared exactly: offer "pt-BR" by that tag, not by "pt".
func NewLocalizer(opts LocalizerOptions) (*Localizer, error) {
	def := opts.Default
	if def == language.Und {
		def = language.English
	}
	merged := make(map[language.Tag]*Messages)
	// What the application's catalogs set: a code they set replaces the
	// library messages of that code they leave alone.
	userCodes := make(map[language.Tag]map[Code]bool)
	userLibrary := make(map[language.Tag]map[string]bool)
	add := func(c Catalog, user bool) error {
		norm, err := c.normalize()
		if err != nil {
			return err
		}
		for tag, ms := range norm {
			m := merged[tag]
			if m == nil {
				m = &Messages{Codes: map[Code]Message{}, Fields: map[string]Message{}, Library: map[string]Message{}}
				merged[tag] = m
			}
			if user && userCodes[tag] == nil {
				userCodes[tag], userLibrary[tag] = map[Code]bool{}, map[string]bool{}
			}
			for k, v := range ms.Codes {
				m.Codes[k] = v
				if user {
					userCodes[tag][k] = true
				}
			}
			for k, v := range ms.Fields {
				m.Fields[k] = v
			}
			for k, v := range ms.Library {
				m.Library[k] = v
				if user {
					userLibrary[tag][k] = true
				}
			}
		}
		return nil
	}
	if err := add(builtinCatalog(), false); err != nil {
		return nil, err // covered by tests: cannot happen
	}
	for i, c := range opts.Catalogs {
		if err := add(c, true); err != nil {
			return nil, fmt.Errorf("%w: catalog %d: %s", errInvalidCatalog, i, strings.TrimPrefix(err.Error(), errInvalidCatalog.Error()+": "))
		}
	}
	for tag, codes := range userCodes {
		for key, code := range libraryCodes {
			if codes[code] && !userLibrary[tag][key] {
				merged[tag].Library[key] = merged[tag].Codes[code]
			}
		}
	}

	// The offered languages, default first.
	tags := []language.Tag{def}
	if opts.Languages != nil {
		for _, t := range opts.Languages {
			if t != language.Und && !slices.Contains(tags, t) {
				tags = append(tags, t)
			}
		}
	} else {
		for t := range merged {
			if t != def {
				tags = append(tags, t)
			}
		}
		slices.SortFunc(tags[1:], func(a, b language.Tag) int { return strings.Compare(a.String(), b.String()) })
	}
	base := merged[def]
	if base == nil {
		return nil, fmt.Errorf("%w: default language %s has no messages", errInvalidCatalog, def)
	}
	for _, info := range builtins {
		if _, ok := base.Codes[info.Code]; !ok {
			return nil, fmt.Errorf("%w: default language %s has no message for code %s", errInvalidCatalog, def, info.Code)
		}
	}
	for _, t := range tags[1:] {
		if merged[t] == nil {
			return nil, fmt.Errorf("%w: language %s is offered but has no messages", errInvalidCatalog, t)
		}
	}

	b := catalog.NewBuilder(catalog.Fallback(def))
	l := &Localizer{matcher: language.NewMatcher(tags)}
	byTag := make(map[language.Tag]*localeMessages, len(tags))
	build := func(t language.Tag) (*localeMessages, error) {
		lm := &localeMessages{
			tag:     t,
			header:  []string{t.String()},
			codes:   make(map[Code]*compiledMessage),
			fields:  make(map[string]*compiledMessage),
			library: make(map[string]*compiledMessage),
		}
		lm.printer = message.NewPrinter(t, message.Catalog(b))
		own := merged[t]
		for code, m := range own.Codes {
			cm, err := lm.compile(b, "codes."+string(code), m)
			if err != nil {
				return nil, err
			}
			lm.codes[code] = cm
		}
		for key, m := range own.Fields {
			cm, err := lm.compile(b, "fields."+key, m)
			if err != nil {
				return nil, err
			}
			lm.fields[key] = cm
		}
		for key, m := range own.Library {
			cm, err := lm.compile(b, "library."+key, m)
			if err != nil {
				return nil, err
			}
			lm.library[key] = cm
		}
		byTag[t] = lm
		return lm, nil
	}
	for _, t := range tags {
		lm, err := build(t)
		if err != nil {
			return nil, err
		}
		l.langs = append(l.langs, lm)
	}
	// The ancestors of offered regional languages that have messages (de
	// for de-CH), offered or not: a regional language borrows from them
	// before the default language.
	for _, t := range tags[1:] {
		for p := t.Parent(); p != language.Und; p = p.Parent() {
			if byTag[p] == nil && merged[p] != nil {
				if _, err := build(p); err != nil {
					return nil, err
				}
			}
		}
	}
	// Messages without arguments are printed once, now that the builder
	// holds every message.
	for _, lm := range byTag {
		for _, cm := range lm.codes {
			cm.finish()
		}
		for _, cm := range lm.fields {
			cm.finish()
		}
		for _, cm := range lm.library {
			cm.finish()
		}
	}
	// A language missing a message borrows it from its nearest ancestor
	// that has it (de-CH from de), else from the default language, printed
	// by the rules of the language it was written in and labelled with
	// that language's Content-Language.
	done := map[*localeMessages]bool{l.langs[0]: true}
	var fill func(lm *localeMessages)
	fill = func(lm *localeMessages) {
		if done[lm] {
			return
		}
		done[lm] = true
		for p := lm.tag.Parent(); p != language.Und; p = p.Parent() {
			if plm := byTag[p]; plm != nil {
				fill(plm)
				lm.borrow(plm)
				return
			}
		}
		lm.borrow(l.langs[0])
	}
	for _, lm := range l.langs[1:] {
		fill(lm)
	}
	return l, nil
}

// borrow gives lm every message of from that lm lacks.
func (lm *localeMessages) borrow(from *localeMessages) {
	for code, cm := range from.codes {
		if _, ok := lm.codes[code]; !ok {
			lm.codes[code] = cm
		}
	}
	for key, cm := range from.fields {
		if _, ok := lm.fields[key]; !ok {
			lm.fields[key] = cm
		}
	}
	for key, cm := range from.library {
		if _, ok := lm.library[key]; !ok {
			lm.library[key] = cm
		}
	}
}

func (cm *compiledMessage) finish() {
	if cm.nargs == 0 {
		cm.text = cm.printer.Sprintf(cm.key)
		cm.key = ""
	}
}

// compile sets m in b for lm's language and returns how to print it. loc
// names the message in errors.
func (lm *localeMessages) compile(b *catalog.Builder, loc string, m Message) (*compiledMessage, error) {
	cm := &compiledMessage{key: loc, printer: lm.printer, lang: lm.header}
	fail := func(err error) (*compiledMessage, error) {
		return nil, fmt.Errorf("%w: %s.%s: %w", errInvalidCatalog, lm.tag, loc, err)
	}
	if len(m.Plural) == 0 {
		f, n, err := compileTemplate(m.Text)
		if err != nil {
			return fail(err)
		}
		cm.nargs = n
		if err := b.Set(lm.tag, loc, catalog.String(f)); err != nil {
			return fail(err)
		}
		return cm, nil
	}
	cases := make([]any, 0, 2*len(m.Plural))
	// "other" last: the first matching case wins.
	for _, sel := range sortedKeys(m.Plural) {
		if sel == "other" {
			continue
		}
		f, n, err := compileTemplate(m.Plural[sel])
		if err != nil {
			return fail(err)
		}
		cm.nargs = max(cm.nargs, n)
		cases = append(cases, sel, f)
	}
	f, n, err := compileTemplate(m.Plural["other"])
	if err != nil {
		return fail(err)
	}
	cm.nargs = max(cm.nargs, n, m.Count+1)
	cases = append(cases, "other", f)
	if err := b.Set(lm.tag, loc, plural.Selectf(m.Count+1, "", cases...)); err != nil {
		return fail(err)
	}
	return cm, nil
}

// print formats cm with args. ok is false when args are too few, or when
// formatting an argument panicked.
//
// Printing through the catalog costs a microsecond or two, and field
// arguments are mostly constants of the server's rules (min_length 3), so
// results are cached per message for simple arguments (integers, short
// strings): at most maxCachedPrints per message, emptied when full.
func (cm *compiledMessage) print(args []any) (string, bool) {
	if cm.key == "" {
		return cm.text, true
	}
	if len(args) < cm.nargs {
		return "", false
	}
	args = args[:cm.nargs]
	var kb [128]byte
	key, cacheable := appendArgsKey(kb[:0], args)
	if cacheable {
		cm.mu.RLock()
		s, hit := cm.cache[string(key)]
		cm.mu.RUnlock()
		if hit {
			return s, true
		}
	}
	s, ok := cm.sprint(args)
	if !ok {
		return "", false
	}
	if cacheable {
		cm.mu.Lock()
		if cm.cache == nil || len(cm.cache) >= maxCachedPrints {
			cm.cache = make(map[string]string)
		}
		cm.cache[string(key)] = s
		cm.mu.Unlock()
	}
	return s, true
}

// sprint prints cm with args. ok is false when formatting an argument
// panicked: the printer catches a panic in a String, Error or Format method
// and writes the panic value into the text, which must not reach the
// client, and a panic value that itself panics when printed escapes it.
func (cm *compiledMessage) sprint(args []any) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	s = cm.printer.Sprintf(cm.key, args...)
	if strings.Contains(s, "(PANIC=") {
		return "", false
	}
	return s, true
}

const (
	maxCachedPrints   = 64
	maxCachedArgBytes = 32
)

// appendArgsKey appends an unambiguous key for args, or reports false when
// an argument is not of a cached kind.
func appendArgsKey(b []byte, args []any) ([]byte, bool) {
	for _, a := range args {
		switch v := a.(type) {
		case int:
			b = strconv.AppendInt(append(b, 'i'), int64(v), 10)
		case int8:
			b = strconv.AppendInt(append(b, 'i'), int64(v), 10)
		case int16:
			b = strconv.AppendInt(append(b, 'i'), int64(v), 10)
		case int32:
			b = strconv.AppendInt(append(b, 'i'), int64(v), 10)
		case int64:
			b = strconv.AppendInt(append(b, 'i'), v, 10)
		case uint:
			b = strconv.AppendUint(append(b, 'u'), uint64(v), 10)
		case uint8:
			b = strconv.AppendUint(append(b, 'u'), uint64(v), 10)
		case uint16:
			b = strconv.AppendUint(append(b, 'u'), uint64(v), 10)
		case uint32:
			b = strconv.AppendUint(append(b, 'u'), uint64(v), 10)
		case uint64:
			b = strconv.AppendUint(append(b, 'u'), v, 10)
		case plainInt:
			b = strconv.AppendInt(append(b, 'p'), int64(v), 10)
		case string:
			if len(v) > maxCachedArgBytes {
				return nil, false
			}
			b = strconv.AppendInt(append(b, 's'), int64(len(v)), 10)
			b = append(append(b, ':'), v...)
		default:
			return nil, false
		}
		b = append(b, ',')
	}
	return b, true
}

// Negotiate returns the offered language that best matches r's
// Accept-Language header, or the default language when the header is
// missing, malformed or matches none. Handlers can use it to write explicit
// messages in the same language as the catalog's. A nil r gets the default.
func (l *Localizer) Negotiate(r *http.Request) language.Tag {
	if r == nil {
		return l.langs[0].tag
	}
	return l.langs[l.negotiate(r.Header["Accept-Language"])].tag
}

// Accept-Language bounds: a longer header is cut at an entry boundary,
// entries past the limit are ignored and overlong entries dropped, so a
// hostile header costs little. Real headers are far shorter.
const (
	maxAcceptLanguageBytes   = 512
	maxAcceptLanguageEntries = 12
	maxAcceptLanguageEntry   = 64
)

// Negotiation results are cached by header value: browsers send few
// distinct values, and matching costs microseconds. The cache holds at most
// maxCachedLanguages values of at most maxCachedHeaderBytes bytes and is
// emptied when full, so hostile variety costs no more than no cache.
const (
	maxCachedLanguages   = 512
	maxCachedHeaderBytes = 256
)

// negotiationCache maps an Accept-Language value to an index in l.langs.
type negotiationCache struct {
	m sync.Map // string -> int
	n atomic.Int32
}

func (c *negotiationCache) load(s string) (int, bool) {
	v, ok := c.m.Load(s)
	if !ok {
		return 0, false
	}
	return v.(int), true
}

func (c *negotiationCache) store(s string, i int) {
	if c.n.Add(1) > maxCachedLanguages {
		c.m.Clear()
		c.n.Store(1)
	}
	c.m.Store(strings.Clone(s), i)
}

// negotiate returns the index in l.langs of the best match for the given
// Accept-Language field lines.
func (l *Localizer) negotiate(values []string) int {
	if len(values) == 0 {
		return 0
	}
	s := values[0]
	if len(values) > 1 {
		s = strings.Join(values[:min(len(values), maxAcceptLanguageEntries)], ",")
	}
	cacheable := len(s) <= maxCachedHeaderBytes
	if cacheable {
		if i, ok := l.cache.load(s); ok {
			return i
		}
	}
	i := l.match(s)
	if cacheable {
		l.cache.store(s, i)
	}
	return i
}

// match negotiates without the cache.
func (l *Localizer) match(s string) int {
	s = boundAcceptLanguage(s)
	if s == "" {
		return 0
	}
	tags, _, err := language.ParseAcceptLanguage(s)
	if err != nil {
		// One bad entry ("xx", "en-US-!") fails the whole header: keep the
		// entries that parse on their own, in order of preference.
		tags = lenientAcceptLanguage(s)
	}
	if len(tags) == 0 {
		return 0
	}
	_, i, conf := l.matcher.Match(tags...)
	if conf == language.No {
		return 0
	}
	return i
}

// plausibleEntry reports whether an Accept-Language entry can name a
// language: a range of 2 or 3 letters, or "*", then subtags, optionally
// followed by parameters, in the characters these allow. Dropping the rest
// before parsing keeps junk cheap.
func plausibleEntry(e string) bool {
	e = strings.TrimLeft(e, " \t")
	n := 0
	for n < len(e) && (e[n]|0x20 >= 'a' && e[n]|0x20 <= 'z') {
		n++
	}
	if !(n == 2 || n == 3 || (n == 0 && strings.HasPrefix(e, "*"))) {
		return strings.TrimSpace(e) == "" // an empty entry is harmless
	}
	for i := 0; i < len(e); i++ {
		c := e[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == ';' || c == '=' || c == '.' || c == '*' || c == ' ' || c == '\t') {
			return false
		}
	}
	return true
}

// boundAcceptLanguage cuts s to at most maxAcceptLanguageBytes, at an entry
// boundary, keeps its first maxAcceptLanguageEntries entries and drops
// entries longer than maxAcceptLanguageEntry or not plausible. It allocates only when it
// drops an entry.
func boundAcceptLanguage(s string) string {
	if len(s) > maxAcceptLanguageBytes {
		s = s[:maxAcceptLanguageBytes]
		i := strings.LastIndexByte(s, ',')
		if i < 0 {
			return ""
		}
		s = s[:i]
	}
	var b []byte // nil until an entry is dropped
	entries := 0
	for start := 0; start <= len(s) && entries < maxAcceptLanguageEntries; {
		end := strings.IndexByte(s[start:], ',')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		entry := s[start:end]
		switch {
		case len(entry) > maxAcceptLanguageEntry || !plausibleEntry(entry):
			if b == nil {
				b = append(make([]byte, 0, len(s)), s[:start]...)
			}
		case b != nil:
			b = append(append(b, entry...), ',')
		}
		entries++
		if end == len(s) {
			if b == nil {
				return s
			}
			break
		}
		start = end + 1
		if b == nil && entries == maxAcceptLanguageEntries {
			return s[:end]
		}
	}
	if b == nil {
		return s
	}
	return strings.TrimRight(string(b), ",")
}

// lenientAcceptLanguage parses the entries of s one by one, dropping those
// that do not parse.
func lenientAcceptLanguage(s string) []language.Tag {
	type wt struct {
		tag language.Tag
		q   float32
	}
	var ok []wt
	for entry := range strings.SplitSeq(s, ",") {
		tags, qs, err := language.ParseAcceptLanguage(entry)
		if err != nil || len(tags) != 1 {
			continue
		}
		ok = append(ok, wt{tags[0], qs[0]})
	}
	slices.SortStableFunc(ok, func(a, b wt) int {
		switch {
		case a.q > b.q:
			return -1
		case a.q < b.q:
			return 1
		}
		return 0
	})
	tags := make([]language.Tag, len(ok))
	for i, x := range ok {
		tags[i] = x.tag
	}
	return tags
}

// localized is one error's public text in the negotiated language.
type localized struct {
	message  string
	fields   []FieldError // e's own when none needed a catalog message
	language []string     // Content-Language: of the message, else of the first catalog field message; nil when no text came from a catalog
}

// localize is the localize step of the write path: the public message of e
// and of each field error that has none, in the language accept asks for.
// declared is the default message the writer's code table declares for
// e's code ("" for a code it does not know).
//
// An explicit message always wins. Otherwise a library-made error takes
// its library message, and any other error its code's catalog message
// (formatted with its arguments), then the declared message, then the
// message of the code's category.
func (l *Localizer) localize(accept []string, e *APIError, status int, declared string) localized {
	lm := l.langs[0]
	if len(l.langs) > 1 {
		lm = l.langs[l.negotiate(accept)]
	}
	out := localized{message: e.message, fields: e.fields}
	if out.message == "" {
		out.message, out.language = lm.errorMessage(e, status, declared)
	}
	var fields []FieldError
	for i := range e.fields {
		f := &e.fields[i]
		if f.Message != "" {
			continue
		}
		s, lang, ok := lm.fieldMessage(f)
		if !ok {
			continue
		}
		if fields == nil {
			fields = slices.Clone(e.fields)
		}
		fields[i].Message = s
		if out.language == nil {
			out.language = lang
		}
	}
	if fields != nil {
		out.fields = fields
	}
	return out
}

// errorMessage returns the catalog message of e in lm's language, and its
// Content-Language (nil for the declared message, which no catalog holds).
func (lm *localeMessages) errorMessage(e *APIError, status int, declared string) (string, []string) {
	if e.key != "" {
		if cm, ok := lm.library[e.key]; ok {
			if s, ok := cm.print(e.args); ok {
				return s, cm.lang
			}
		}
	}
	code := e.Code()
	if cm, ok := lm.codes[code]; ok {
		if s, ok := cm.print(e.args); ok {
			return s, cm.lang
		}
	}
	if declared != "" {
		return declared, nil
	}
	if cm, ok := lm.codes[CodeForStatus(status)]; ok {
		if s, ok := cm.print(nil); ok {
			return s, cm.lang
		}
	}
	return e.Message(), nil
}

// codeMessage returns the catalog message of a code without arguments, for
// a problem title; "" when the catalog has none.
func (l *Localizer) codeMessage(accept []string, code Code) string {
	lm := l.langs[0]
	if len(l.langs) > 1 {
		lm = l.langs[l.negotiate(accept)]
	}
	if cm, ok := lm.codes[code]; ok {
		if s, ok := cm.print(nil); ok {
			return s
		}
	}
	return ""
}

// fieldMessage returns the catalog message of f in lm's language, and its
// Content-Language: that of the language the message was written in, the
// default language's when lm borrows it.
func (lm *localeMessages) fieldMessage(f *FieldError) (string, []string, bool) {
	key := f.key
	if key == "" {
		key = f.Code
	}
	if cm, ok := lm.fields[key]; ok {
		if s, ok := cm.print(f.Args); ok {
			return s, cm.lang, true
		}
	}
	if cm, ok := lm.fields["invalid"]; ok {
		s, ok := cm.print(nil)
		return s, cm.lang, ok
	}
	return "", nil, false
}

// defaultLocalizer gives writers without a Localizer their English
// messages, built on first use.
var defaultLocalizer = sync.OnceValue(func() *Localizer {
	l, err := NewLocalizer(LocalizerOptions{Languages: []language.Tag{language.English}})
	if err != nil {
		panic(err) // the built-in catalog is covered by tests
	}
	return l
})
