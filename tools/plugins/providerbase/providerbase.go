// Package providerbase is what this project's two Go resource plugins share: the
// openshift-hard-way plugin (tools/plugins/assets) and the stand-in tls plugin
// (tools/stand-ins/tls). Both speak Pulumi's ResourceProvider gRPC service
// (github.com/pulumi/pulumi/sdk/v3/proto/go, pulumirpc) directly, without a provider framework,
// and both have no provider configuration. This package holds the part of that service that does
// not depend on the resources: the provider-level methods (plugin info, handshake, provider
// configuration, cancellation, mappings), the property (un)marshalling options, the resource
// type of a request, and the plugin's main loop (serve, print the port, wait).
//
// A plugin embeds Base in its server, implements Check, Diff, Create, Read, Update and Delete
// (and Invoke, GetSchema where it has them), and calls Main from its command.
package providerbase

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Base implements the provider-level methods of pulumirpc.ResourceProviderServer for a plugin
// that has no provider configuration; the resource methods stay unimplemented (they answer
// codes.Unimplemented) until the embedding server defines them. Embed it by value.
type Base struct {
	pulumirpc.UnimplementedResourceProviderServer
	// Version is the plugin version reported to the engine (GetPluginInfo), e.g. "5.6.1".
	Version string
	// AcceptResources says whether the plugin takes resource references in its inputs (the tls
	// SDK sends them; a plugin that says false gets their IDs/URNs instead).
	AcceptResources bool
}

// GetPluginInfo reports the plugin version.
func (b *Base) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: b.Version}, nil
}

// Handshake accepts secrets, and resource references when AcceptResources is set.
func (b *Base) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: b.AcceptResources}, nil
}

// CheckConfig accepts the provider configuration as given: neither plugin reads one.
func (b *Base) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// DiffConfig reports no changes: the provider configuration never affects resources.
func (b *Base) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

// Configure accepts secrets and previews (Create and Update are called with preview set), and
// resource references when AcceptResources is set.
func (b *Base) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: b.AcceptResources}, nil
}

// Cancel is a no-op: every operation of these plugins is local and short.
func (b *Base) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// GetMapping reports that there is no mapping for any other ecosystem (e.g. Terraform).
func (b *Base) GetMapping(context.Context, *pulumirpc.GetMappingRequest) (*pulumirpc.GetMappingResponse, error) {
	return &pulumirpc.GetMappingResponse{}, nil
}

// GetMappings reports that there is no mapping for any other ecosystem.
func (b *Base) GetMappings(context.Context, *pulumirpc.GetMappingsRequest) (*pulumirpc.GetMappingsResponse, error) {
	return &pulumirpc.GetMappingsResponse{}, nil
}

// MarshalOptions keeps unknowns (previews) and secrets, and drops nulls, both ways.
var MarshalOptions = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

// Unmarshal decodes a request's property struct with MarshalOptions; nil is an empty map.
func Unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, MarshalOptions)
}

// Marshal encodes a property map for a response with MarshalOptions.
func Marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, MarshalOptions)
}

// TypeToken returns the resource type token of a request: typ when the engine sent one, else the
// type part of urn (e.g. "tls:index/privateKey:PrivateKey"), else urn itself, so that an error
// can show what was asked for.
func TypeToken(urn, typ string) string {
	if typ != "" {
		return typ
	}
	if u, err := resource.ParseURN(urn); err == nil {
		return string(u.Type())
	}
	return urn
}

// Serve starts srv as a gRPC ResourceProvider on a free loopback port, as the engine expects of
// a plugin (the engine passes its own address as the first argument; these plugins never call
// back). It returns the port and a channel that yields the server's end (nil on a clean stop).
func Serve(srv pulumirpc.ResourceProviderServer) (port int, done <-chan error, err error) {
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(s, srv)
			return nil
		},
	})
	if err != nil {
		return 0, nil, err
	}
	return handle.Port, handle.Done, nil
}

// Main is a plugin command's main: it serves srv, prints the port on the first line of stdout
// (which the engine reads), and waits. On an error it prints "<name>: <error>" to stderr and
// exits with status 1.
func Main(name string, srv pulumirpc.ResourceProviderServer) {
	if err := run(os.Stdout, srv); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

func run(stdout io.Writer, srv pulumirpc.ResourceProviderServer) error {
	port, done, err := Serve(srv)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(stdout, "%d\n", port); err != nil {
		return err
	}
	return <-done
}
