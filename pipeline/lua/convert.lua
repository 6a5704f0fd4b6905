-- A long-lived pandoc: reads conversion requests on stdin, answers on stdout.
-- Request: one line of JSON {"from": ..., "to": ..., "options": {...}, "size": N},
-- with "reader" (reader options) when the input is not JSON, then N bytes of input. Answer: "ok N" or "error N", a newline, then N bytes.
-- A whole book (EPUB) also sends: "standalone" (the format's default template), "metadata"
-- (a metadata file's text, read as --metadata-file reads it), "env" (variables added to the
-- environment) and "cwd" (the folder the command line would run in); without "standalone"
-- each page of the book is its body alone.  A request with "frame" (variables) and no input
-- answers what the default template of "to" writes with them.
local json = pandoc.json

local function with_metadata(doc, request)
  if not request.metadata then return doc end
  local extra = pandoc.read("---\n" .. request.metadata .. "\n---\n", "markdown",
                            request.metadata_reader).meta
  for key, value in pairs(extra) do  -- the document's own values win, as on the command line
    if doc.meta[key] == nil then doc.meta[key] = value end
  end
  return doc
end

local function convert(request, text)
  if request.frame then  -- the default template of "to" alone, "frame" its variables
    local template = pandoc.template.compile(pandoc.template.default(request.to))
    return pandoc.layout.render(pandoc.template.apply(template, request.frame))
  end
  local doc = with_metadata(pandoc.read(text, request.from, request.reader), request)
  local options = request.options
  if request.standalone then
    options.template = pandoc.template.compile(pandoc.template.default(request.to))
  end
  local write = function() return pandoc.write(doc, request.to, options) end
  if request.env then
    local env = pandoc.system.environment()
    for key, value in pairs(request.env) do env[key] = value end
    local inner = write
    write = function() return pandoc.system.with_environment(env, inner) end
  end
  if request.cwd then
    local inner = write
    write = function() return pandoc.system.with_working_directory(request.cwd, inner) end
  end
  return write()
end

while true do
  local header = io.read("l")
  if not header then break end
  local request = json.decode(header)
  local text = request.size > 0 and io.read(request.size) or ""
  local ok, out = pcall(convert, request, text)
  if not ok then out = tostring(out) end
  io.write(ok and "ok " or "error ", #out, "\n", out)
  io.stdout:flush()
end
