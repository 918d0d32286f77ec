// Copyright 2016, Pulumi Corporation; adapted for multistage. Licensed under the Apache License, Version 2.0.

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"

	"github.com/google/shlex"

	"github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// RunPlugin follows main.go:1548-1748. The engine calls it for a policy pack
// (`pulumi preview --policy-pack policy`, kind "analyzer") when a nodejs language host exists
// (sdk/go/common/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer), and for plugins
// written in nodejs. Policy packs run @pulumi/pulumi/cmd/run-policy-pack from the pack's own
// directory, behind the SDK's policy proxy, which hands the stack's configuration to the pack.
func (host *nodeLanguageHost) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	if req.GetAttachDebugger() {
		return errors.New("multistage's language host cannot attach a debugger")
	}
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	node, err := exec.LookPath("node")
	if err != nil {
		return err
	}
	opts, err := parseOptions(req.Info.Options.AsMap())
	if err != nil {
		return err
	}
	env := append(req.Env, opts.typescriptEnv()...)

	analyzer := req.Kind == string(apitype.AnalyzerPlugin)
	runPath := "@pulumi/pulumi/cmd/run-policy-pack"
	if !analyzer {
		if runPath = os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); runPath == "" {
			runPath = "@pulumi/pulumi/cmd/run-plugin"
		}
	}
	if runPath, err = locateModule(ctx, runPath, req.Info.ProgramDirectory, node, true); err != nil {
		return err
	}
	nodeArgs, err := shlex.Split(opts.nodeargs)
	if err != nil {
		return err
	}
	args := append([]string{runPath}, nodeArgs...)
	// Policy packs take their directory last, every other plugin first (main.go:1640-1647).
	if analyzer {
		args = append(append(args, req.Args...), req.Info.ProgramDirectory)
	} else {
		args = append(append(args, req.Info.ProgramDirectory), req.Args...)
	}

	var proxy *sdk.PolicyProxy
	if analyzer {
		// main.go:1649-1683: answer the engine's ConfigureStack ourselves, start the pack with the
		// stack's identity and config in its environment, then hand the connection over to it.
		if proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout); err != nil {
			return fmt.Errorf("could not start policy pack proxy: %w", err)
		}
		stackConfig, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get stack configuration: %w", err)
		}
		if stackConfig != nil {
			appendIfSet := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			appendIfSet("PULUMI_NODEJS_ORGANIZATION", stackConfig.Organization)
			appendIfSet("PULUMI_NODEJS_PROJECT", stackConfig.Project)
			appendIfSet("PULUMI_NODEJS_STACK", stackConfig.Stack)
			appendIfSet("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stackConfig.DryRun))
			if stackConfig.Config != nil {
				configJSON, err := json.Marshal(stackConfig.Config)
				if err != nil {
					return fmt.Errorf("could not marshal stack configuration: %w", err)
				}
				appendIfSet("PULUMI_CONFIG", string(configJSON))
			}
		}
	}

	cmd := exec.CommandContext(ctx, node, args...)
	// Policy packs have always run from their own directory (main.go:1687-1693).
	if analyzer {
		cmd.Dir = req.Info.ProgramDirectory
	} else {
		cmd.Dir = req.Pwd
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr

	if err := cmd.Start(); err != nil {
		return fmt.Errorf("Problem executing plugin program (could not run language executor): %w", err)
	}
	if proxy != nil {
		if err := proxy.Attach(ctx, cmd); err != nil {
			return fmt.Errorf("could not attach policy pack proxy: %w", err)
		}
		return closer.Close()
	}
	if err := cmd.Wait(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return fmt.Errorf("Program exited with non-zero exit code: %d", exitErr.ExitCode())
		}
		return fmt.Errorf("Problem executing plugin program (could not run language executor): %w", err)
	}
	return closer.Close()
}
