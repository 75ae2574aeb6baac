package main

// The hints of the engine's errors: the engine says what failed (its typed
// errors, found here with errors.As); the words of what to do, which name
// the flags, are the command line's.

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/importer"
)

// setupHint is the hint of a set-up error: the engine's own when it gave
// one (it names no flag), otherwise the one its cause calls for.
func setupHint(se *importer.SetupError) string {
	if se.Hint != "" {
		return se.Hint
	}
	var ce *importer.CallError
	if errors.As(se.Err, &ce) {
		return apiHint(ce)
	}
	return ""
}

// apiHint says what the user can do about a call of the set-up that
// failed: the instance, the region, the credentials, the endpoint.
func apiHint(call *importer.CallError) string {
	err, instanceID, region, profile := call.Err, call.InstanceID, call.Region, call.Profile
	login := "aws sso login --profile NAME"
	if profile != "" {
		login = "aws sso login --profile " + profile
	}
	var ue *importer.UnreachableError
	if errors.As(err, &ue) {
		return unreachableHint(ue)
	}
	switch awsclient.Classify(err) {
	case awsclient.NotFound:
		return fmt.Sprintf("no instance %s in region %s: check --instance-id and --region (an instance ARN carries its region)", instanceID, orUnset(region))
	case awsclient.AccessDenied:
		return "the credentials are not allowed this call: they need connect:DescribeInstance, connect:List*, connect:SearchUsers and connect:CreateUser on the instance"
	case awsclient.Unauthenticated:
		return "the credentials are not valid (expired?): refresh them (" + login + ") or pick others with --profile"
	}
	var ce *awsclient.CredentialsError
	var mr *aws.MissingRegionError
	switch {
	case errors.As(err, &ce) && ce.SSO():
		return "sign in again: " + login + "; then run the same command"
	case errors.As(err, &mr):
		return "set a region: --region NAME, AWS_REGION, the profile's region, or give --instance-id as an instance ARN"
	case errors.As(err, &ce):
		return "run 'aws sso login --profile NAME' and add --profile NAME, or set AWS_ACCESS_KEY_ID and\n" +
			"AWS_SECRET_ACCESS_KEY; or try it first with --sandbox"
	case awsclient.Classify(err) == awsclient.NotSent:
		return "check --endpoint-url (or AWS_ENDPOINT_URL) and the network"
	}
	return ""
}

// unreachableHint says what to check: the address given (--endpoint-url,
// AWS_ENDPOINT_URL) when the endpoint is not one of AWS's own, otherwise the
// network.
func unreachableHint(e *importer.UnreachableError) string {
	host := strings.TrimPrefix(strings.TrimPrefix(e.Endpoint, "https://"), "http://")
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if !strings.HasSuffix(host, ".amazonaws.com") && !strings.HasSuffix(host, ".amazonaws.com.cn") {
		return "check --endpoint-url (or AWS_ENDPOINT_URL): is the server running, and is this its address?"
	}
	return "check the network, any proxy (HTTPS_PROXY) or firewall, and the Region (--region, AWS_REGION)"
}

func orUnset(region string) string {
	if region == "" {
		return "(none set)"
	}
	return region
}
