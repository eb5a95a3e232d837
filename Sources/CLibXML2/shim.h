// libxml2's push parser and SAX2 interface, for streaming a workbook's XML (Debian: libxml2-dev).
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
