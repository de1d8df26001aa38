"""What a session kept in this process costs in memory: the figure byte caps charge.

The ``memory`` backend and the near cache of ``file``/``redis``/``sql`` keep a session as
its :class:`~mesop_cli.state_format.image.StateImage` (one object, a digest and a size per
field, the field's JSON data) plus the live state objects it was captured from, under its
id in an ordered dict. Charging only the JSON bytes of the values undercharged small
sessions a hundredfold: a fresh session of the sample app is 23 bytes of values (888
stored, with its digests) and 3.3 KB of Python objects, so a cap of 1 MB let 2,500 such
sessions grow a server by 9 MB (18 MB in the issue's run) without one eviction.

The estimate, cheap enough for every save: it looks at each field, and at the first item
of a list or dict field, never deeper::

    SESSION_BYTES + FIELD_BYTES * fields + the JSON bytes
                  + for each list or dict field: its length * what its first item costs
                  + the bytes of each ``bytes`` or file field (kept beside its base64)

An item's cost is its kind of object's beyond what its JSON counts (the constants below):
a string's header, a number's object, a row's two dicts, plus a pointer from each copy;
a dict field's keys are strings of their own. Lists mix kinds rarely; one whose first
item is of a cheaper kind than the rest (a number before rows) is undercharged.

Measured with tracemalloc (Python 3.11, x86-64; a one-off script saving 200 to 2,000
sessions of one shape into a backend as the web layer does, with their live objects):
bytes per session, against the estimate.

==================================  ========  ========  =====  ======
shape                               measured  estimate  ratio  JSON
==================================  ========  ========  =====  ======
sample app, fresh (2 classes, 9 f.)    3,293     3,443   1.05      23
sample app, a 6-message chat           4,209     4,199   1.00     395
one int field                          1,141     1,181   1.03       1
30 scalar fields                      10,007     9,440   0.94     140
1,000 strings of 40                  107,816   108,748   1.01  43,008
200 strings of 400                    94,973    95,148   1.00  80,608
one string of 20,000                  21,246    21,182   1.00  20,002
1,000 ints of 7 to 9 digits           50,109    47,080   0.94   9,900
1,000 floats                          42,109    56,397   1.34  19,217
1,000 ints under 256 (shared)         18,092    40,753   2.25   3,573
table of 200 rows of 5 keys          113,309   128,819   1.14  19,639
table of 500 rows of 2 keys          236,596   233,619   0.99  16,439
200 dataclass messages                80,683   105,477   1.31  17,897
dict of 300 entries                   39,819    36,552   0.92   5,372
50 lists of 50 ints                  100,583   106,602   1.06   9,822
300 pairs of ints                     66,205    61,129   0.92   4,749
30,000 bytes                          71,483    71,331   1.00  40,023
==================================  ========  ========  =====  ======

Resident memory adds the allocator's overhead (about 15% for small sessions: 3.8 KB a
fresh sample session in a server); tests/adversarial/test_memory_cap.py holds a real
server to its cap with it, and tests/test_memory_backend.py checks the constants against
tracemalloc.
"""

from __future__ import annotations

from typing import Any

from mesop_cli.state_format.image import StateImage

#: The id (a 43-character string), the ordered dict's entry and its tuple, the last-use
#: time, the StateImage object with its dict of classes, and the dict of live objects.
SESSION_BYTES = 900
#: A FieldImage object, its 32-byte digest, its size, and the slots of the field in the
#: image's and the live object's dicts (a class's own objects are about one field's worth).
FIELD_BYTES = 280
#: A string in a list or dict: its object's header (49 bytes; its characters are counted
#: with the JSON) and a pointer to it from each copy (the image's, the live object's).
STRING_ITEM_BYTES = 64
#: A number, boolean or null: an object (an int 28 bytes, a float 24) and two pointers,
#: less the digits JSON already counts.
SCALAR_ITEM_BYTES = 36
#: A dict in a list (a table's row): two dict objects, each 184 bytes up to 5 keys; its
#: keys are the same few strings in every row. Its values count as scalars.
DICT_ITEM_BYTES = 360
#: A list in a list: two list objects; its items count as scalars.
LIST_ITEM_BYTES = 112
#: A dict field's key: a string of its own, unlike a row's.
KEY_BYTES = 64


def resident_bytes(image: StateImage, state_bytes: int) -> int:
    """About the memory ``image`` and its live objects take once kept, ``state_bytes``
    being the length of its JSON (``image.size``, or a stored copy's length)."""
    total = SESSION_BYTES + state_bytes
    for fields in image.classes.values():
        total += FIELD_BYTES * len(fields)
        for field in fields.values():
            total += _items_bytes(field.value) + field.binary_size()
    return total


def _items_bytes(value: Any) -> int:
    """The objects of a list's or dict's items beyond their JSON, all judged by the first."""
    kind = type(value)
    if (kind is not list and kind is not dict) or not value:
        return 0
    if kind is list:
        return len(value) * _item_bytes(value[0])
    return len(value) * (KEY_BYTES + _item_bytes(next(iter(value.values()))))


def _item_bytes(item: Any) -> int:
    kind = type(item)
    if kind is str:
        return STRING_ITEM_BYTES
    if kind is dict:
        return DICT_ITEM_BYTES + SCALAR_ITEM_BYTES * len(item)
    if kind is list:
        return LIST_ITEM_BYTES + SCALAR_ITEM_BYTES * len(item)
    return SCALAR_ITEM_BYTES
