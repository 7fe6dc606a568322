# SAMP client: lockfile, values, XML-RPC codec, HTTP transport, SampClient.
