// Copyright 2016, Pulumi Corporation; adapted for multistage. Licensed under the Apache License, Version 2.0.

package main

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
)

// nodeOptions are Pulumi.yaml's runtime options (main.go:275-287).
type nodeOptions struct {
	// Run TypeScript through ts-node (PULUMI_NODEJS_TYPESCRIPT).
	typescript bool
	// tsconfig for ts-node (PULUMI_NODEJS_TSCONFIG_PATH); its compilerOptions.noCheck decides
	// whether the program is type-checked at start (node_modules/@pulumi/pulumi/cmd/run/run.js).
	tsconfigpath string
	// Extra arguments for node.
	nodeargs string
	packagemanager npm.PackageManagerType
}

// parseOptions follows main.go:289-366 for the nodejs runtime: typescript defaults to true.
func parseOptions(options map[string]any) (nodeOptions, error) {
	opts := nodeOptions{typescript: true, packagemanager: npm.AutoPackageManager}
	if value, ok := options["typescript"]; ok {
		typescript, isBool := value.(bool)
		if !isBool {
			return opts, errors.New("typescript option must be a boolean")
		}
		opts.typescript = typescript
	}
	if value, ok := options["tsconfig"]; ok {
		tsconfig, isString := value.(string)
		if !isString {
			return opts, errors.New("tsconfigpath option must be a string")
		}
		opts.tsconfigpath = tsconfig
	}
	if value, ok := options["nodeargs"]; ok {
		nodeargs, isString := value.(string)
		if !isString {
			return opts, errors.New("nodeargs option must be a string")
		}
		opts.nodeargs = nodeargs
	}
	if value, ok := options["packagemanager"]; ok {
		pm, isString := value.(string)
		if !isString {
			return opts, errors.New("packagemanager option must be a string")
		}
		switch pm {
		case "auto":
			opts.packagemanager = npm.AutoPackageManager
		case "npm":
			opts.packagemanager = npm.NpmPackageManager
		case "yarn":
			opts.packagemanager = npm.YarnPackageManager
		case "pnpm":
			opts.packagemanager = npm.PnpmPackageManager
		default:
			return opts, fmt.Errorf("packagemanager option must be one of auto, npm, yarn or pnpm, got %q", pm)
		}
	}
	return opts, nil
}

// typescriptEnv is what main.go:926-931 (programs) and 1588-1593 (plugins) add to node's environment.
func (opts nodeOptions) typescriptEnv() []string {
	var env []string
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfigpath != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfigpath)
	}
	return env
}
