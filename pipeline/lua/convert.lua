-- A long-lived pandoc: reads conversion requests on stdin, answers on stdout.
-- Request: one line of JSON {"from": ..., "to": ..., "options": {...}, "size": N},
-- with "reader" (reader options) when the input is not JSON, then N bytes of input. Answer: "ok N" or "error N", a newline, then N bytes.
local json = pandoc.json
while true do
  local header = io.read("l")
  if not header then break end
  local request = json.decode(header)
  local text = request.size > 0 and io.read(request.size) or ""
  local ok, out = pcall(function()
    local doc = pandoc.read(text, request.from, request.reader)
    return pandoc.write(doc, request.to, request.options)
  end)
  if not ok then out = tostring(out) end
  io.write(ok and "ok " or "error ", #out, "\n", out)
  io.stdout:flush()
end
