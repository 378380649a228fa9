"""An order's life: the lifecycle table (lifecycle) and the staff actions it allows at each
status (staff_actions), the cart, placing an order with the customer's own cancel and receipt
(orders), reading orders (order_reads), the one door for every status change (transitions) and
who sees which entry of an order's timeline (timeline)."""
