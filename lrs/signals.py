"""Events the LRS declares for the apps above it.

`statements_stored(sender=None, statements=[dict], principal=Principal)`: sent after commit once a
request's statements are stored (the statements as stored, with id, stored, authority). Training
listens so a statement naming a member of staff and a known course becomes a completion.
"""

import django.dispatch

statements_stored = django.dispatch.Signal()
