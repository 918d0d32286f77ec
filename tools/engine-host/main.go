// Copyright 2016, Pulumi Corporation; adapted for multistage. Licensed under the Apache License,
// Version 2.0 (the "License"); you may not use this file except in compliance with the License.
// You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0

// pulumi-language-nodejs for multistage's engine suite: a small nodejs language host, so that
// `pulumi up -s staging` from the repository root runs the project's TypeScript program under a
// Pulumi CLI built from Go modules, exactly as ops run it.
//
// Why our own: the real host's module (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
// is not served by the Go module proxy, and the newest host that was still part of sdk/v3 (v3.68.0)
// answers RunPlugin with "not supported", so it cannot run policy packs under a 3.248 engine.
//
// Every RPC here copies what the real host does at v3.248.0; each function names the lines of
// sdk/nodejs/cmd/pulumi-language-nodejs/main.go ("main.go" below) whose behaviour it follows.
// Left out on purpose, because nothing this project runs needs them:
//   - the monitor proxy and the synchronous-invoke pipes (main.go:760-875, proxy.go): they serve
//     only the SDK's deprecated synchronous invokes; the program gets the engine's monitor directly;
//   - the debugger, the bun runtime, fnm, the install cache, and code generation
//     (GenerateProject/Program/Package, Pack, Link, Template, RuntimeOptionsPrompts).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"google.golang.org/grpc"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// main follows main.go:120-199: optional engine address as the only argument, a health check on
// the engine, a gRPC server on a kernel-chosen port whose number is printed on stdout.
func main() {
	var tracing string
	flag.StringVar(&tracing, "tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	runtimeName := flag.String("runtime", "nodejs", "Runtime for TypeScript programs (only nodejs here)")
	showVersion := flag.Bool("version", false, "Print the current plugin version and exit")
	flag.Parse()

	if *showVersion {
		fmt.Println(version.Version)
		os.Exit(0)
	}
	if *runtimeName != "nodejs" {
		cmdutil.Exit(fmt.Errorf("unsupported runtime: %s (multistage's language host runs nodejs only)", *runtimeName))
	}

	logging.InitLogging(false, 0, false)
	cmdutil.InitTracing("pulumi-language-nodejs", "pulumi-language-nodejs", tracing)

	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	cancelChannel := make(chan bool)
	go func() {
		<-ctx.Done()
		cancel()
		close(cancelChannel)
	}()

	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check host RPC server: %w", err))
		}
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancelChannel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, newLanguageHost(engineAddress, tracing))
			return nil
		},
		Options: rpcutil.TracingServerInterceptorOptions(nil),
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}

	// The engine reads the port from our first line of output.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}
