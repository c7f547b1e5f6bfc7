"""What the sales tell the layers above them (payments), always INSIDE the transaction that
changes the order, under its lock: a receiver's failure rolls the whole change back, so a side
effect (a voucher or credit given back, a card refunded) is never lost after the fact.

- `orders_ended(sender, order_ids, status)`: unpaid orders (CART or PAYING) became EXPIRED or
  CANCELLED; pending card payments are abandoned and what vouchers and credit paid is given back.
- `order_refunded(sender, order, amount, lines)`: tickets of a paid order were cancelled; their
  `amount` must be paid back to the means that paid it.
"""

from django.dispatch import Signal

orders_ended = Signal()
order_refunded = Signal()
