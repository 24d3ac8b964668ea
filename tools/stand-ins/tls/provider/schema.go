package provider

import (
	"encoding/json"
	"sort"
	"strings"
)

type schemaProp struct {
	Type    string      `json:"type,omitempty"`
	Ref     string      `json:"$ref,omitempty"`
	Items   *schemaProp `json:"items,omitempty"`
	Secret  bool        `json:"secret,omitempty"`
	Default any         `json:"default,omitempty"`
}

type schemaObject struct {
	Description string                 `json:"description,omitempty"`
	Type        string                 `json:"type,omitempty"`
	Properties  map[string]*schemaProp `json:"properties"`
	Required    []string               `json:"required,omitempty"`
}

type schemaResource struct {
	schemaObject
	InputProperties map[string]*schemaProp `json:"inputProperties"`
	RequiredInputs  []string               `json:"requiredInputs,omitempty"`
}

// subjectTypeToken returns the object type token @pulumi/tls uses for a resource's subject,
// e.g. tls:index/SelfSignedCertSubject:SelfSignedCertSubject.
func subjectTypeToken(resourceToken string) string {
	name := resourceToken[strings.LastIndex(resourceToken, ":")+1:] + "Subject"
	return "tls:index/" + name + ":" + name
}

func schemaPropOf(t propType, resourceToken string) *schemaProp {
	switch t {
	case tInt:
		return &schemaProp{Type: "integer"}
	case tBool:
		return &schemaProp{Type: "boolean"}
	case tStrings:
		return &schemaProp{Type: "array", Items: &schemaProp{Type: "string"}}
	case tSubject:
		return &schemaProp{Ref: "#/types/" + subjectTypeToken(resourceToken)}
	}
	return &schemaProp{Type: "string"}
}

// Schema returns a minimal Pulumi package schema (JSON) declaring the four resources with the
// tokens, properties and secretness of @pulumi/tls 5.6.1.
func Schema(version string) (string, error) {
	resources := map[string]*schemaResource{}
	types := map[string]*schemaObject{}
	for tok, spec := range specs {
		secret := map[string]bool{}
		for _, s := range spec.secretOutputs {
			secret[s] = true
		}
		r := &schemaResource{
			schemaObject:    schemaObject{Properties: map[string]*schemaProp{}},
			InputProperties: map[string]*schemaProp{},
		}
		for _, p := range spec.inputs {
			ip := schemaPropOf(p.typ, tok)
			ip.Secret = secret[p.name] || p.writeOnly
			if p.def != nil {
				ip.Default = p.def.V
			}
			r.InputProperties[p.name] = ip
			if p.required {
				r.RequiredInputs = append(r.RequiredInputs, p.name)
			}
			if !p.writeOnly {
				op := *ip
				op.Default = nil
				r.Properties[p.name] = &op
				if p.required || p.def != nil {
					r.Required = append(r.Required, p.name)
				}
			}
			if p.typ == tSubject {
				st := &schemaObject{Type: "object", Properties: map[string]*schemaProp{}}
				for _, f := range subjectFields {
					st.Properties[f] = &schemaProp{Type: "string"}
				}
				st.Properties["streetAddresses"] = &schemaProp{Type: "array", Items: &schemaProp{Type: "string"}}
				types[subjectTypeToken(tok)] = st
			}
		}
		for name, t := range spec.outputs {
			op := schemaPropOf(t, tok)
			op.Secret = secret[name]
			r.Properties[name] = op
			r.Required = append(r.Required, name)
		}
		sort.Strings(r.Required)
		sort.Strings(r.RequiredInputs)
		resources[tok] = r
	}
	doc := map[string]any{
		"name":        "tls",
		"displayName": "TLS",
		"version":     version,
		"description": "Stand-in for the Pulumi TLS provider: @pulumi/tls 5.6.1's resources on Go's crypto/x509.",
		"meta":        map[string]any{"moduleFormat": "(.*)(?:/[^/]*)"},
		"provider": map[string]any{
			"inputProperties": map[string]any{},
		},
		"resources": resources,
		"types":     types,
		"language": map[string]any{
			"nodejs": map[string]any{"packageName": "@pulumi/tls"},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	return string(b), err
}
