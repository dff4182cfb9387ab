package envelopegrpcgateway

import (
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// requestMessage returns the request message of an RPC named as
// runtime.RPCMethod names it ("/pkg.Service/Method"), or nil when the
// process does not link its descriptor.
func requestMessage(method string) protoreflect.MessageDescriptor {
	name := strings.ReplaceAll(strings.TrimPrefix(method, "/"), "/", ".")
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(name))
	if err != nil {
		return nil
	}
	if md, ok := d.(protoreflect.MethodDescriptor); ok {
		return md.Input()
	}
	return nil
}

// usesProtoNames reports whether the marshaler writes proto field names
// (runtime.JSONPb with UseProtoNames) rather than JSON names, the default.
func usesProtoNames(m runtime.Marshaler) bool {
	switch x := m.(type) {
	case *runtime.HTTPBodyMarshaler:
		return usesProtoNames(x.Marshaler)
	case *runtime.JSONPb:
		return x.UseProtoNames
	}
	return false
}

// path rewrites a field path of the request message into the names the
// client sends: each field name becomes its JSON name (the descriptor's,
// which honours json_name, or else protojson's lowerCamelCase rule);
// indexes and map keys, in brackets, stay as they are. The syntax is
// envelope's, which is also google.rpc.BadRequest's: names dotted, indexes
// and keys in brackets, a bracket closing at the first ']' followed by the
// end, '.' or '['.
func (n naming) path(p string) string {
	if !n.rename || n.protoNames || p == "" {
		return p
	}
	var b strings.Builder
	b.Grow(len(p))
	msg := n.msg
	var field protoreflect.FieldDescriptor // a list or map field whose element comes next
	for i := 0; i < len(p); {
		switch p[i] {
		case '.':
			b.WriteByte('.')
			i++
		case '[':
			end := -1
			for j := i + 1; j < len(p); j++ {
				if p[j] == ']' && (j+1 == len(p) || p[j+1] == '.' || p[j+1] == '[') {
					end = j
					break
				}
			}
			if end < 0 { // no closing bracket: the rest as it is
				b.WriteString(p[i:])
				return b.String()
			}
			b.WriteString(p[i : end+1])
			msg = nil
			if field != nil {
				if field.IsMap() {
					msg = field.MapValue().Message()
				} else {
					msg = field.Message()
				}
			}
			field = nil
			i = end + 1
		default:
			j := i
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			name := p[i:j]
			var fd protoreflect.FieldDescriptor
			if msg != nil {
				if fd = msg.Fields().ByName(protoreflect.Name(name)); fd == nil {
					fd = msg.Fields().ByJSONName(name)
				}
			}
			msg, field = nil, nil
			if fd != nil {
				b.WriteString(fd.JSONName())
				if fd.IsList() || fd.IsMap() {
					field = fd
				} else {
					msg = fd.Message()
				}
			} else {
				b.WriteString(jsonCamelCase(name))
			}
			i = j
		}
	}
	return b.String()
}

// jsonCamelCase is protojson's default JSON name of a proto field name:
// an underscore followed by a lowercase letter becomes that letter in
// upper case.
func jsonCamelCase(s string) string {
	var b []byte
	wasUnderscore := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '_' {
			if wasUnderscore && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			b = append(b, c)
		}
		wasUnderscore = c == '_'
	}
	return string(b)
}
