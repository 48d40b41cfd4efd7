#!/bin/sh
set -eu
npm ci
npm test
