package provider

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/openshift-hard-way/tools/plugins/providerbase"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Server implements the Pulumi ResourceProvider gRPC service for the tls package: the
// provider-level methods come from providerbase.Base (secrets and resource references accepted;
// the provider configuration, whose one option proxy only getCertificate uses, is accepted and
// ignored), the schema, functions and resource methods are below.
type Server struct {
	providerbase.Base
	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// NewServer returns a provider server that reports the given plugin version.
func NewServer(version string) *Server {
	return &Server{Base: providerbase.Base{Version: version, AcceptResources: true}, Now: time.Now}
}

var unmarshal, marshal = providerbase.Unmarshal, providerbase.Marshal

func lookup(tok string) (*resSpec, error) {
	if s, ok := specs[tok]; ok {
		return s, nil
	}
	return nil, status.Errorf(codes.InvalidArgument, "tls: unknown resource type %q (this stand-in plugin implements %s, %s, %s and %s)",
		tok, TokenPrivateKey, TokenSelfSignedCert, TokenCertRequest, TokenLocallySignedCert)
}

// specAndProps finds the resource's spec from its URN or type and decodes one property map of
// the request (secrets and unknowns kept).
func specAndProps(urn, typ string, props *structpb.Struct) (*resSpec, resource.PropertyMap, error) {
	spec, err := lookup(providerbase.TypeToken(urn, typ))
	if err != nil {
		return nil, nil, err
	}
	m, err := unmarshal(props)
	if err != nil {
		return nil, nil, err
	}
	return spec, m, nil
}

// GetSchema returns the package schema.
func (s *Server) GetSchema(_ context.Context, req *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	schema, err := Schema(s.Version)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetSchemaResponse{Schema: schema}, nil
}

// Invoke rejects all functions: getCertificate and getPublicKey are not implemented.
func (s *Server) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	return nil, status.Errorf(codes.Unimplemented, "tls: function %q is not implemented by this stand-in plugin", req.GetTok())
}

// Check applies defaults and validates the inputs of a resource.
func (s *Server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	spec, news, err := specAndProps(req.GetUrn(), req.GetType(), req.GetNews())
	if err != nil {
		return nil, err
	}
	inputs, fs := spec.check(news)
	out, err := marshal(inputs)
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.CheckResponse{Inputs: out}
	for _, f := range fs {
		resp.Failures = append(resp.Failures, &pulumirpc.CheckFailure{Property: f.property, Reason: f.reason})
	}
	return resp, nil
}

func (spec *resSpec) check(news resource.PropertyMap) (resource.PropertyMap, []failure) {
	declared := map[string]prop{}
	for _, p := range spec.inputs {
		declared[p.name] = p
	}
	var fs []failure
	keys := news.StableKeys()
	for _, k := range keys {
		if _, ok := declared[string(k)]; !ok && !news[k].IsNull() {
			fs = append(fs, failure{string(k), fmt.Sprintf("unknown input property %q for %s", k, spec.token)})
		}
	}
	inputs := resource.PropertyMap{}
	for _, p := range spec.inputs {
		k := resource.PropertyKey(p.name)
		v, ok := news[k]
		if !ok || v.IsNull() {
			switch {
			case p.required:
				fs = append(fs, failure{p.name, fmt.Sprintf("missing required property '%s'", p.name)})
			case p.def != nil:
				inputs[k] = *p.def
			}
			continue
		}
		fs = append(fs, checkType(p.name, p.typ, v)...)
		inputs[k] = v
	}
	if len(fs) == 0 && spec.validate != nil {
		fs = spec.validate(view{inputs})
	}
	return inputs, fs
}

// Diff compares the old state with the new inputs. Any input change replaces the resource except
// earlyRenewalHours, which updates in place; a certificate that is due for renewal
// (now >= validityEndTime - earlyRenewalHours) is replaced too.
func (s *Server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	spec, olds, err := specAndProps(req.GetUrn(), req.GetType(), req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	ignore := map[string]bool{}
	for _, k := range req.GetIgnoreChanges() {
		ignore[k] = true
	}
	resp := &pulumirpc.DiffResponse{DetailedDiff: map[string]*pulumirpc.PropertyDiff{}, HasDetailedDiff: true}
	for _, p := range spec.inputs {
		if p.writeOnly || ignore[p.name] {
			continue
		}
		k := resource.PropertyKey(p.name)
		o, n := plain(olds[k]), plain(news[k])
		if !n.ContainsUnknowns() && o.DeepEquals(n) {
			continue
		}
		kind := pulumirpc.PropertyDiff_UPDATE
		switch {
		case o.IsNull():
			kind = pulumirpc.PropertyDiff_ADD
		case n.IsNull():
			kind = pulumirpc.PropertyDiff_DELETE
		}
		if !p.updatable {
			kind++ // each *_REPLACE kind follows its plain kind
			resp.Replaces = append(resp.Replaces, p.name)
		}
		resp.Diffs = append(resp.Diffs, p.name)
		resp.DetailedDiff[p.name] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
	}
	if spec.cert && s.renewalDue(view{olds}, view{news}) {
		resp.Replaces = append(resp.Replaces, "readyForRenewal")
		resp.Diffs = append(resp.Diffs, "readyForRenewal")
		resp.DetailedDiff["readyForRenewal"] = &pulumirpc.PropertyDiff{Kind: pulumirpc.PropertyDiff_UPDATE_REPLACE}
	}
	sort.Strings(resp.Replaces)
	sort.Strings(resp.Diffs)
	resp.Changes = pulumirpc.DiffResponse_DIFF_NONE
	if len(resp.Diffs) > 0 {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return resp, nil
}

// renewalDue reports whether the certificate in olds is due for renewal, using the new
// earlyRenewalHours when it is known.
func (s *Server) renewalDue(olds, news view) bool {
	end, err := time.Parse(time.RFC3339, olds.str("validityEndTime"))
	if err != nil {
		return false
	}
	early := olds.int("earlyRenewalHours")
	if news.known("earlyRenewalHours") && news.set("earlyRenewalHours") {
		early = news.int("earlyRenewalHours")
	}
	return ReadyForRenewal(end, early, s.Now())
}

// Create generates the key, request or certificate. During a preview the computed outputs are
// unknown.
func (s *Server) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	spec, inputs, err := specAndProps(req.GetUrn(), req.GetType(), req.GetProperties())
	if err != nil {
		return nil, err
	}
	var id string
	var computed resource.PropertyMap
	if req.GetPreview() || inputs.ContainsUnknowns() {
		computed = resource.PropertyMap{}
		for k := range spec.outputs {
			computed[resource.PropertyKey(k)] = resource.MakeComputed(resource.NewProperty(""))
		}
	} else {
		now := s.Now().UTC().Truncate(time.Second)
		if id, computed, err = spec.create(view{inputs}, now); err != nil {
			return nil, fmt.Errorf("creating %s: %w", spec.token, err)
		}
	}
	outs, err := marshal(spec.outputsOf(inputs, computed))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: outs}, nil
}

// outputsOf merges the stored inputs (write-only ones dropped) with the computed outputs and marks
// the secret outputs as secret.
func (spec *resSpec) outputsOf(inputs, computed resource.PropertyMap) resource.PropertyMap {
	outs := resource.PropertyMap{}
	for _, p := range spec.inputs {
		k := resource.PropertyKey(p.name)
		if v, ok := inputs[k]; ok && !p.writeOnly {
			outs[k] = v
		}
	}
	for k, v := range computed {
		outs[k] = v
	}
	for _, name := range spec.secretOutputs {
		k := resource.PropertyKey(name)
		if v, ok := outs[k]; ok && !v.IsNull() && !v.IsSecret() {
			outs[k] = resource.MakeSecret(v)
		}
	}
	return outs
}

// Read (refresh) returns the stored state with readyForRenewal recomputed.
func (s *Server) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	spec, state, err := specAndProps(req.GetUrn(), req.GetType(), req.GetProperties())
	if err != nil {
		return nil, err
	}
	if len(state) == 0 {
		return nil, status.Errorf(codes.Unimplemented, "tls: importing %s by id is not supported", spec.token)
	}
	if spec.cert {
		v := view{state}
		if end, err := time.Parse(time.RFC3339, v.str("validityEndTime")); err == nil {
			state["readyForRenewal"] = resource.NewProperty(ReadyForRenewal(end, v.int("earlyRenewalHours"), s.Now()))
		}
	}
	inputs := req.GetInputs()
	if inputs == nil {
		in := resource.PropertyMap{}
		for _, p := range spec.inputs {
			if v, ok := state[resource.PropertyKey(p.name)]; ok {
				in[resource.PropertyKey(p.name)] = v
			}
		}
		if inputs, err = marshal(in); err != nil {
			return nil, err
		}
	}
	props, err := marshal(spec.outputsOf(state, state))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: props, Inputs: inputs}, nil
}

// Update applies an in-place change; only earlyRenewalHours can change without replacement.
func (s *Server) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	spec, olds, err := specAndProps(req.GetUrn(), req.GetType(), req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	state := olds.Copy()
	for _, p := range spec.inputs {
		if !p.updatable {
			continue
		}
		k := resource.PropertyKey(p.name)
		if v, ok := news[k]; ok {
			state[k] = v
		} else {
			delete(state, k)
		}
	}
	if spec.cert {
		v := view{state}
		if end, err := time.Parse(time.RFC3339, v.str("validityEndTime")); err == nil && v.known("earlyRenewalHours") {
			state["readyForRenewal"] = resource.NewProperty(ReadyForRenewal(end, v.int("earlyRenewalHours"), s.Now()))
		} else if !v.known("earlyRenewalHours") {
			state["readyForRenewal"] = resource.MakeComputed(resource.NewProperty(false))
		}
	}
	props, err := marshal(spec.outputsOf(state, state))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

// Delete is a no-op: keys and certificates exist only in the Pulumi state.
func (s *Server) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}
