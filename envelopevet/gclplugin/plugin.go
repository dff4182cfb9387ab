// Package gclplugin makes the envelopevet checks a golangci-lint module
// plugin. Importing it registers a linter named envelopevet; a custom
// golangci-lint binary built with `golangci-lint custom` (see
// .custom-gcl.yml in this module and docs/envelopevet.md in the
// repository) then runs every check, reported as envelopevet issues
// whose text starts with the check's name.
//
// The linter takes one setting, disable, a list of check names to leave
// out:
//
//	linters:
//	  settings:
//	    custom:
//	      envelopevet:
//	        type: module
//	        settings:
//	          disable: [handlerpanic]
package gclplugin

import (
	"fmt"
	"slices"

	"github.com/apienvelope/envelope/envelopevet"
	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
)

func init() { register.Plugin("envelopevet", New) }

// Settings are the linter's settings in the golangci-lint configuration.
// The zero value runs every check.
type Settings struct {
	// Disable names checks to leave out (errtext, droppedwith, ...).
	Disable []string `json:"disable"`
}

// New returns the plugin for the settings golangci-lint decoded from its
// configuration. It fails on an unknown setting or check name.
func New(settings any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](settings)
	if err != nil {
		return nil, err
	}
	all := envelopevet.Analyzers()
	for _, name := range s.Disable {
		if !slices.ContainsFunc(all, func(a *analysis.Analyzer) bool { return a.Name == name }) {
			return nil, fmt.Errorf("envelopevet: disable: no check named %q", name)
		}
	}
	var keep []*analysis.Analyzer
	for _, a := range all {
		if !slices.Contains(s.Disable, a.Name) {
			keep = append(keep, a)
		}
	}
	return &plugin{analyzers: keep}, nil
}

type plugin struct{ analyzers []*analysis.Analyzer }

// BuildAnalyzers returns the checks the settings keep.
func (p *plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) { return p.analyzers, nil }

// GetLoadMode asks for type information: every check needs it.
func (*plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
