package envelope

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceGroups renders field errors in the messages-by-path styles the
// obvious way (first-appearance order, a map of slices), for comparison.
func referenceGroups(fields []FieldError, lists bool) string {
	var order []string
	msgs := map[string][]string{}
	for _, f := range fields {
		if _, ok := msgs[f.Field]; !ok {
			order = append(order, f.Field)
		}
		msgs[f.Field] = append(msgs[f.Field], f.Message)
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, p := range order {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(appendJSONString(nil, p))
		b.WriteByte(':')
		if lists {
			b.WriteByte('[')
			for k, m := range msgs[p] {
				if k > 0 {
					b.WriteByte(',')
				}
				b.Write(appendJSONString(nil, m))
			}
			b.WriteByte(']')
			continue
		}
		b.Write(appendJSONString(nil, strings.Join(msgs[p], "; ")))
	}
	b.WriteByte('}')
	return b.String()
}

// TestFieldGroupingMatchesReference covers every grouping strategy (the
// pairwise scan, the hash table on the stack, the allocated one) with
// random lists whose paths repeat.
func TestFieldGroupingMatchesReference(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 7, smallFieldList, smallFieldList + 1, stackFieldList, stackFieldList + 1, 200} {
		for _, paths := range []int{1, 3, n + 1} {
			fields := make([]FieldError, n)
			for i := range fields {
				fields[i] = FieldError{Field: fmt.Sprintf("p%d", rng.IntN(paths)), Message: fmt.Sprintf("m%d", i)}
			}
			for _, lists := range []bool{false, true} {
				body := `{"fields": {"{{field}}": "{{field.message}}"}}`
				if lists {
					body = `{"fields": {"{{field}}": ["{{field.message}}"]}}`
				}
				cf, err := compileFormat(Format{Name: "grouping", Body: body}, nil)
				require.NoError(t, err)
				e := Validation("").WithFields(fields...)
				_, entry := cf.statusEntry(e)
				got, err := cf.render(nil, &renderInput{e: e, entry: entry, fields: e.fields, details: true})
				require.NoError(t, err)
				want := `{"fields":` + referenceGroups(fields, lists) + `}`
				if n == 0 {
					want = `{}`
				}
				assert.Equal(t, want, string(got), "n=%d paths=%d lists=%v", n, paths, lists)
			}
		}
	}
}
