-- wrk script: replays a file of requests, one per line: METHOD<TAB>PATH<TAB>BODY (BODY may be empty).
-- wrk -s bench/requests.lua URL -- FILE THREADS ; thread n of m takes lines n, n+m, n+2m … and cycles.
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  local count = tonumber(args[2])
  requests = {}
  local index = 0
  for line in file:lines() do
    if index % count == tid then
      local method, path, body = line:match("^(%S+)\t(%S+)\t?(.*)$")
      local headers = {}
      if body ~= nil and body ~= "" then
        headers["Content-Type"] = "application/x-www-form-urlencoded"
      else
        body = nil
      end
      table.insert(requests, wrk.format(method, path, headers, body))
    end
    index = index + 1
  end
  file:close()
  if #requests == 0 then
    error("requests file has no line for thread " .. tid)
  end
  position = 1
end

function request()
  local next = requests[position]
  position = position + 1
  if position > #requests then
    position = 1
  end
  return next
end
