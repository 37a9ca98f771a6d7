from tase.core.roles import Role


def test_start_page_shows_staff_and_customer_menus(world):
    staff = world.client(Role.ADMIN).get("/")
    customer = world.client(Role.VIEWER).get("/")
    assert staff.status_code == customer.status_code == 200
    assert 'data-nav="organizations"' in staff.text and 'data-nav="audit"' in staff.text
    assert 'data-nav="audit"' not in customer.text
