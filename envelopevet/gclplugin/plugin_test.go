package gclplugin_test

import (
	"testing"

	"github.com/apienvelope/envelope/envelopevet"
	_ "github.com/apienvelope/envelope/envelopevet/gclplugin"
	"github.com/golangci/plugin-module-register/register"
)

func names(t *testing.T, settings any) []string {
	t.Helper()
	newPlugin, err := register.GetPlugin("envelopevet")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(settings)
	if err != nil {
		t.Fatal(err)
	}
	if p.GetLoadMode() != register.LoadModeTypesInfo {
		t.Errorf("load mode %q, want %q", p.GetLoadMode(), register.LoadModeTypesInfo)
	}
	as, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	var ns []string
	for _, a := range as {
		ns = append(ns, a.Name)
	}
	return ns
}

func TestRegistered(t *testing.T) {
	t.Parallel()
	got := names(t, nil)
	if len(got) != len(envelopevet.Analyzers()) {
		t.Fatalf("no settings: got checks %v, want all %d", got, len(envelopevet.Analyzers()))
	}
	got = names(t, map[string]any{"disable": []any{"handlerpanic", "errtext"}})
	for _, n := range got {
		if n == "handlerpanic" || n == "errtext" {
			t.Errorf("disabled check %s still runs: %v", n, got)
		}
	}
	if len(got) != len(envelopevet.Analyzers())-2 {
		t.Errorf("got %v, want all but two", got)
	}
}

func TestBadSettings(t *testing.T) {
	t.Parallel()
	newPlugin, err := register.GetPlugin("envelopevet")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []any{
		map[string]any{"disable": []any{"nosuchcheck"}},
		map[string]any{"enable": []any{"errtext"}},
	} {
		if _, err := newPlugin(s); err == nil {
			t.Errorf("settings %v: no error", s)
		}
	}
}
