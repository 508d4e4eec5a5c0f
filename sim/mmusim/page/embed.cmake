# Turns the page's assets (CSS, JavaScript) into C strings, so mmusim writes self-contained pages without reading
# files at run time: cmake -DOUT=file.c -DINPUTS="name=path|..." -P embed.cmake
set(text "/* Generated from sim/mmusim/page/ by embed.cmake: do not edit. */\n")
string(REPLACE "|" ";" inputs "${INPUTS}")
foreach(pair ${inputs})
  string(REPLACE "=" ";" parts "${pair}")
  list(GET parts 0 name)
  list(GET parts 1 path)
  file(READ "${path}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND text "const char ${name}[] = {${bytes}0x00};\n")
endforeach()
file(WRITE "${OUT}.tmp" "${text}")
file(RENAME "${OUT}.tmp" "${OUT}")
