#!/bin/sh
echo "entrypoint got $# args: $*"
